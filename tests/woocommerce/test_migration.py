"""The merchant and WooCommerce tables: migrations and models agree."""

from __future__ import annotations

from pathlib import Path

from passiton.app import migrate


def test_migrations_match_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'check.db'}"
    migrate.upgrade(url)
    migrate.check(url)
