"""Migrations build the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from passiton.app import migrate
from passiton.core.models import Base
from tests.support.servers import PostgresServer


def test_one_head_and_models_match_migrations_on_sqlite(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"
    migrate.upgrade(url)
    migrate.check(url)
    heads = ScriptDirectory.from_config(migrate.alembic_config(url)).get_heads()
    assert len(heads) == 1


def test_models_match_migrations_on_postgres(postgres: PostgresServer) -> None:
    url = postgres.create_database("fresh_migrations")
    migrate.upgrade(url)
    migrate.check(url)
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert set(Base.metadata.tables) <= tables


def test_upgrade_is_repeatable(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/again.db"
    migrate.upgrade(url)
    migrate.upgrade(url)
    migrate.check(url)


def test_shops_from_before_0009_keep_their_currency_until_their_store_is_asked(
    postgres: PostgresServer,
) -> None:
    url = postgres.create_database("shop_identity_backfill")
    migrate.upgrade(url, "0005")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO shops (platform, domain, name, currency, status, installed_at)"
                    " VALUES ('woocommerce', 'https://old.example', 'old.example', 'GBP',"
                    " 'active', now())"
                )
            )
        migrate.upgrade(url)
        with engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT name, currency, locale, timezone, contact_email, facts_refreshed_at"
                    " FROM shops"
                )
            ).one()
    finally:
        engine.dispose()
    assert tuple(row) == ("old.example", "GBP", "en", "UTC", "", None)


def test_customers_from_before_0012_have_no_known_language(postgres: PostgresServer) -> None:
    url = postgres.create_database("customer_locale_backfill")
    migrate.upgrade(url, "0009")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            shop_id = connection.execute(
                text(
                    "INSERT INTO shops (platform, domain, name, currency, status, installed_at)"
                    " VALUES ('shopify', 'old.myshopify.com', 'Old', 'EUR', 'active', now())"
                    " RETURNING id"
                )
            ).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO customers (shop_id, referral_code, points_pending,"
                    " points_available, link_visits, created_at)"
                    " VALUES (:shop, 'ANNA-7K2Q', 0, 0, 0, now())"
                ),
                {"shop": shop_id},
            )
        migrate.upgrade(url)
        with engine.connect() as connection:
            locale = connection.execute(text("SELECT locale FROM customers")).scalar_one()
    finally:
        engine.dispose()
    assert locale is None
