"""Migration 0007 re-keys stored e-mail keys; rows that now collide are flagged, not fatal."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from passiton.app import migrate
from passiton.app.database import Database
from passiton.core.merchants import Merchant
from passiton.core.models import Customer, EmailKeyCollision, OrderRecord, Referral
from tests.support.servers import PostgresServer

_names = itertools.count(1)


@pytest.fixture(params=["sqlite", "postgres"])
def before_0007(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database migrated up to the revision before the re-keying (0006)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        url = server.create_database(f"rekey_{next(_names)}")
    migrate.upgrade(url, "0006")
    return url


_NOW = "2026-11-01 12:00:00"


def _insert(session: Session, table: str, **values: object) -> int:
    """One row written as the schema before 0007 holds it: plain SQL, not today's models."""
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    statement = text(f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id")  # noqa: S608
    row_id: int = session.execute(statement, values).scalar_one()
    return row_id


def _customer(session: Session, shop: int, code: str, email: str, key: str) -> int:
    return _insert(
        session,
        "customers",
        shop_id=shop,
        referral_code=code,
        email=email,
        email_key=key,
        points_pending=0,
        points_available=0,
        link_visits=0,
        created_at=_NOW,
    )


def _referral(session: Session, shop: int, referrer: int, email: str) -> int:
    return _insert(
        session,
        "referrals",
        shop_id=shop,
        referrer_id=referrer,
        settings_version=1,
        status="offered",
        friend_email=email,
        friend_email_key=email,
        points_pending=0,
        points_approved=0,
        points_clawed_back=0,
        points_unrecovered=0,
        entry_seq=0,
        created_at=_NOW,
    )


def _merchant(session: Session, email: str) -> int:
    return _insert(
        session,
        "merchants",
        email=email,
        email_key=email,
        password_hash="x",
        created_at=_NOW,
    )


def _old_rows(session: Session) -> dict[str, int]:
    """Rows as the old normaliser keyed them (it kept trailing dots, quotes, invisibles)."""
    shop = _insert(
        session,
        "shops",
        platform="fake",
        domain="old.example",
        name="Old",
        currency="USD",
        status="active",
        installed_at=_NOW,
    )
    anna = _customer(session, shop, "AAAA-2222", "Anna@Example.com", "anna@example.com")
    anna_dot = _customer(session, shop, "AAAA-3333", "anna@example.com.", "anna@example.com.")
    bob = _customer(session, shop, "BBBB-2222", '"bob"@example.com', '"bob"@example.com')
    fritz = _referral(session, shop, anna, "fritz@example.com")
    fritz_hidden = _referral(session, shop, anna, "fr\u200bitz@example.com")
    order = _insert(
        session,
        "orders",
        shop_id=shop,
        order_id="1",
        email_key="anna@example.com.",
        currency="USD",
        total=0,
        subtotal=0,
        paid=False,
        cancelled=False,
        deleted=False,
        known=True,
        first_seen_at=_NOW,
    )
    return {
        "shop": shop,
        "anna": anna,
        "anna_dot": anna_dot,
        "bob": bob,
        "fritz": fritz,
        "fritz_hidden": fritz_hidden,
        "order": order,
        "merchant": _merchant(session, "m@example.com"),
        "merchant_dot": _merchant(session, "m@example.com."),
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
