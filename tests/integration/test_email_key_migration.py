"""Migration 0007 re-keys stored e-mail keys; rows that now collide are flagged, not fatal."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.app import migrate
from passiton.app.database import Database
from passiton.core.merchants import Merchant
from passiton.core.models import (
    Customer,
    EmailKeyCollision,
    OrderRecord,
    Platform,
    Referral,
    Shop,
)
from tests.support.servers import PostgresServer

_names = itertools.count(1)


@pytest.fixture(params=["sqlite", "postgres"])
def before_0007(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database migrated up to the revision before the re-keying."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        url = server.create_database(f"rekey_{next(_names)}")
    migrate.upgrade(url, "0005")
    return url


def _customer(shop: Shop, code: str, email: str, key: str) -> Customer:
    return Customer(shop_id=shop.id, referral_code=code, email=email, email_key=key)


def _old_rows(session: Session) -> dict[str, int]:
    """Rows as the old normaliser keyed them (it kept trailing dots, quotes, invisibles)."""
    shop = Shop(platform=Platform.FAKE, domain="old.example", name="Old")
    session.add(shop)
    session.flush()
    anna = _customer(shop, "AAAA-2222", "Anna@Example.com", "anna@example.com")
    anna_dot = _customer(shop, "AAAA-3333", "anna@example.com.", "anna@example.com.")
    bob = _customer(shop, "BBBB-2222", '"bob"@example.com', '"bob"@example.com')
    session.add_all([anna, anna_dot, bob])
    session.flush()
    fritz = Referral(
        shop_id=shop.id,
        referrer_id=anna.id,
        settings_version=1,
        friend_email="fritz@example.com",
        friend_email_key="fritz@example.com",
    )
    fritz_hidden = Referral(
        shop_id=shop.id,
        referrer_id=anna.id,
        settings_version=1,
        friend_email="fr\u200bitz@example.com",
        friend_email_key="fr\u200bitz@example.com",
    )
    order = OrderRecord(shop_id=shop.id, order_id="1", email_key="anna@example.com.")
    merchant = Merchant(email="m@example.com", email_key="m@example.com", password_hash="x")
    merchant_dot = Merchant(email="m@example.com.", email_key="m@example.com.", password_hash="x")
    session.add_all([fritz, fritz_hidden, order, merchant, merchant_dot])
    session.flush()
    return {
        "shop": shop.id,
        "anna": anna.id,
        "anna_dot": anna_dot.id,
        "bob": bob.id,
        "fritz": fritz.id,
        "fritz_hidden": fritz_hidden.id,
        "order": order.id,
        "merchant": merchant.id,
        "merchant_dot": merchant_dot.id,
    }


def test_rekeying_merges_spellings_and_flags_the_rows_that_collide(before_0007: str) -> None:
    old = Database(before_0007)
    try:
        ids = old.run(_old_rows)
    finally:
        old.dispose()

    migrate.upgrade(before_0007)

    database = Database(before_0007)
    try:
        with database.sessions() as session:

            def key(model: type, row: str) -> str | None:
                found = session.get(model, ids[row])
                assert found is not None
                column = "friend_email_key" if model is Referral else "email_key"
                value: str | None = getattr(found, column)
                return value

            assert key(Customer, "anna") == "anna@example.com"
            assert key(Customer, "anna_dot") is None
            assert key(Customer, "bob") == "bob@example.com"
            assert key(Referral, "fritz") == "fritz@example.com"
            assert key(Referral, "fritz_hidden") is None
            assert key(OrderRecord, "order") == "anna@example.com"
            assert key(Merchant, "merchant") == "m@example.com"
            assert key(Merchant, "merchant_dot") == "m@example.com."
            flagged = {
                (c.table_name, c.row_id, c.kept_row_id, c.shop_id)
                for c in session.scalars(select(EmailKeyCollision))
            }
        assert flagged == {
            ("customers", ids["anna_dot"], ids["anna"], ids["shop"]),
            ("referrals", ids["fritz_hidden"], ids["fritz"], ids["shop"]),
            ("merchants", ids["merchant_dot"], ids["merchant"], None),
        }
        migrate.check(before_0007)
    finally:
        database.dispose()
