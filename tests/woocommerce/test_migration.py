"""The merchant and WooCommerce tables: migrations and models agree."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from passiton.app import migrate


def test_migrations_match_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'check.db'}"
    migrate.upgrade(url)
    migrate.check(url)


def test_connect_requests_used_before_grant_checks_count_as_connected(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'backfill.db'}"
    migrate.upgrade(url, "0005")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO merchants (id, email, email_key, password_hash, created_at) "
                    "VALUES (1, 'a@shop.example', 'a@shop.example', 'x', '2026-11-01 10:00:00')"
                )
            )
            for state, used in (("a" * 64, "2026-11-01 10:05:00"), ("b" * 64, None)):
                connection.execute(
                    text(
                        "INSERT INTO woocommerce_connect_requests "
                        "(state_hash, merchant_id, store_url, expires_at, used_at) VALUES "
                        "(:state, 1, 'https://shop.example', '2026-11-01 10:15:00', :used)"
                    ),
                    {"state": state, "used": used},
                )
        migrate.upgrade(url)
        with engine.connect() as connection:
            statuses = connection.execute(
                text("SELECT state_hash, status FROM woocommerce_connect_requests ORDER BY id")
            ).all()
    finally:
        engine.dispose()
    assert [(h[0], s) for h, s in statuses] == [("a", "connected"), ("b", "started")]
