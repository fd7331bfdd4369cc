"""After `customers/redact`, no text or JSON column of any table holds the person's data.

The tables and columns are read from the live schema (the inspector), not listed here: a table
or column added later that keeps an address, a name or a platform id fails this test until
redaction covers it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, String, Text, inspect, select, text
from sqlalchemy.engine import Engine

from passiton.app.database import Database
from passiton.core.events import (
    CustomerCreated,
    CustomerDataRequested,
    CustomerRedactRequested,
    MarketingConsent,
    MarketingConsentChanged,
    OrderChanged,
)
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import Customer, DataExport, Platform, RewardKind
from passiton.core.services.approvals import approve_due
from passiton.core.services.deliveries import apply_delivery, record_delivery
from passiton.core.services.dispatch import apply_events
from passiton.core.services.redemption import redeem
from tests.support.builders import T0, claim, make_referrer, make_shop, new_id, order

# Names no other test value contains (the shop is "Anna's Shop" on anna-shop.example).
REFERRER_EMAIL, REFERRER_NAME = "zuleika.q+promo@example.com", "Zuleika"
FRIEND_EMAIL = "fritz@example.com"  # the order builder names every buyer "Fritz"
BYSTANDER_EMAIL = "bob@example.com"


def _text_and_json_columns(engine: Engine) -> dict[str, list[str]]:
    inspector = inspect(engine)
    found: dict[str, list[str]] = {}
    for table in inspector.get_table_names():
        columns = [
            c["name"]
            for c in inspector.get_columns(table)
            if isinstance(c["type"], String | Text | JSON)
        ]
        if columns:
            found[table] = columns
    return found


def _cells(db: Database) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every text and JSON cell of the database."""
    cells = []
    with db.engine.connect() as connection:
        for table, columns in _text_and_json_columns(db.engine).items():
            quoted = ", ".join(f'"{c}"' for c in columns)
            for row in connection.execute(text(f'SELECT {quoted} FROM "{table}"')):  # noqa: S608
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        shown = value if isinstance(value, str) else json.dumps(value)
                        cells.append((table, column, shown.lower()))
    return cells


def _found(db: Database, needles: list[str]) -> list[tuple[str, str, str]]:
    return [
        (table, column, needle)
        for table, column, value in _cells(db)
        for needle in needles
        if needle.lower() in value
    ]


def _story(db: Database, shop_id: int) -> tuple[Customer, Customer, str, int]:
    """A referrer, her friend's paid and approved order, a reward, data requests for both.

    The friend's order arrives as a webhook delivery and is applied; a second delivery (the
    friend's next order, the referrer's customer record) is recorded but still waits for the
    queue when the redaction comes: it is applied afterwards, where a test says so.
    """
    zuleika = make_referrer(db, shop_id, email=REFERRER_EMAIL, name=REFERRER_NAME)
    bob = make_referrer(db, shop_id, email=BYSTANDER_EMAIL, name="Bob")
    code = claim(db, shop_id, zuleika, FRIEND_EMAIL).code
    friend_id = new_id()
    paid = order(codes=(code,), email=FRIEND_EMAIL, customer_id=friend_id)
    applied = _record(db, shop_id, "orders/paid", [OrderChanged(paid)])
    db.run(lambda s: apply_delivery(s, applied, T0))
    assert zuleika.platform_customer_id is not None
    waiting = [
        OrderChanged(order(email=FRIEND_EMAIL, customer_id=friend_id, at=T0 + timedelta(days=1))),
        CustomerCreated(zuleika.platform_customer_id, REFERRER_EMAIL, REFERRER_NAME),
        MarketingConsentChanged(
            zuleika.platform_customer_id, REFERRER_EMAIL, MarketingConsent(False, T0)
        ),
    ]
    pending = _record(db, shop_id, "orders/create", waiting)
    db.run(lambda s: approve_due(s, T0 + timedelta(days=31)))
    db.run(lambda s: redeem(s, shop_id, zuleika.id, 500, RewardKind.REWARD, "r-1"))
    requests = [
        CustomerDataRequested(customer_id=zuleika.platform_customer_id, email=None),
        CustomerDataRequested(customer_id=None, email=FRIEND_EMAIL),
        CustomerDataRequested(customer_id=bob.platform_customer_id, email=None),
    ]
    db.run(lambda s: apply_events(s, shop_id, requests, T0))
    return zuleika, bob, friend_id, pending


def _record(db: Database, shop_id: int, topic: str, events: list[Any]) -> int:
    delivery_id = db.run(
        lambda s: record_delivery(s, Platform.FAKE, shop_id, new_id(), topic, events, T0)
    )
    assert delivery_id is not None
    return delivery_id


def _redact_both(db: Database, shop_id: int, zuleika: Customer, friend_id: str) -> None:
    events = [
        CustomerRedactRequested(customer_id=zuleika.platform_customer_id, email=REFERRER_EMAIL),
        CustomerRedactRequested(customer_id=friend_id, email=FRIEND_EMAIL),
    ]
    db.run(lambda s: apply_events(s, shop_id, events, T0))


def test_redaction_leaves_no_address_name_or_id_in_any_column(
    any_db: Database, shop_id: int
) -> None:
    zuleika, _, friend_id, pending = _story(any_db, shop_id)
    assert zuleika.platform_customer_id is not None
    needles = [
        REFERRER_EMAIL,
        "zuleika",  # the name, and the start of her e-mail key
        FRIEND_EMAIL,
        "fritz",
        zuleika.platform_customer_id,
        friend_id,
    ]
    assert {t for t, _, _ in _found(any_db, needles)} >= {
        "customers",
        "referrals",
        "data_exports",
        "webhook_deliveries",
    }

    _redact_both(any_db, shop_id, zuleika, friend_id)

    assert _found(any_db, needles) == []
    # The delivery recorded before the redaction is applied after it: redaction wins.
    assert any_db.run(lambda s: apply_delivery(s, pending, T0)) is True
    assert _found(any_db, needles) == []


def test_a_request_naming_one_identifier_reaches_rows_that_carry_only_another(
    any_db: Database, shop_id: int
) -> None:
    zuleika, _, friend_id, _ = _story(any_db, shop_id)
    assert zuleika.platform_customer_id is not None
    # Fritz orders again from his work address: that order carries only his platform id.
    again = order(email="fritz.work@example.com", customer_id=friend_id)
    any_db.run(lambda s: apply_events(s, shop_id, [OrderChanged(again)], T0))
    events = [
        CustomerRedactRequested(customer_id=None, email=REFERRER_EMAIL),
        CustomerRedactRequested(customer_id=None, email=FRIEND_EMAIL),
    ]

    any_db.run(lambda s: apply_events(s, shop_id, events, T0))

    needles = [REFERRER_EMAIL, FRIEND_EMAIL, zuleika.platform_customer_id, friend_id]
    assert _found(any_db, needles) == []


def test_redaction_keeps_the_bystanders_data_and_export(any_db: Database, shop_id: int) -> None:
    zuleika, bob, friend_id, _ = _story(any_db, shop_id)

    _redact_both(any_db, shop_id, zuleika, friend_id)

    with any_db.sessions() as session:
        kept = session.get(Customer, bob.id)
        assert kept is not None
        assert (kept.email, kept.first_name, kept.referral_code) == (
            BYSTANDER_EMAIL,
            "Bob",
            bob.referral_code,
        )
        [export] = session.scalars(select(DataExport)).all()
        assert export.payload["customers"][0]["email"] == BYSTANDER_EMAIL


def test_redaction_gives_the_referrer_a_new_code_and_retires_the_old_link(
    any_db: Database, shop_id: int
) -> None:
    zuleika, _, friend_id, _ = _story(any_db, shop_id)

    _redact_both(any_db, shop_id, zuleika, friend_id)

    with any_db.sessions() as session:
        redacted = session.get(Customer, zuleika.id)
        assert redacted is not None
        assert redacted.referral_code != zuleika.referral_code
        assert redacted.points_available == 500  # amounts stay


def test_redaction_leaves_no_address_in_the_sqlite_files(
    db: Database, stores: FakeStoreDirectory
) -> None:
    # Deleted and overwritten rows linger in free pages and in the write-ahead log unless
    # SQLite zeroes them (secure_delete) and the log is checkpointed.
    shop_id = make_shop(db, stores)
    zuleika, _, friend_id, _ = _story(db, shop_id)

    _redact_both(db, shop_id, zuleika, friend_id)
    # The service keeps running: its connections stay open and the log is not removed.

    path = Path(str(db.engine.url.database))
    files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
    leftovers: dict[str, Any] = {
        p.name: needle
        for p in files
        for needle in (REFERRER_EMAIL.encode(), FRIEND_EMAIL.encode(), b"Zuleika")
        if needle in p.read_bytes()
    }
    assert leftovers == {}


def test_an_order_from_before_the_redaction_seen_again_does_not_bring_the_person_back(
    any_db: Database, shop_id: int
) -> None:
    # Reconciliation re-reads recently modified orders, and a platform may redeliver one
    # under a new delivery id: the order is the one Fritz placed before his redaction.
    zuleika, _, friend_id, _ = _story(any_db, shop_id)
    before = order(email=FRIEND_EMAIL, customer_id=friend_id, order_id="o-before")
    any_db.run(lambda s: apply_events(s, shop_id, [OrderChanged(before)], T0))
    _redact_both(any_db, shop_id, zuleika, friend_id)

    any_db.run(lambda s: apply_events(s, shop_id, [OrderChanged(before)], T0 + timedelta(1)))

    assert _found(any_db, [FRIEND_EMAIL, "fritz", friend_id]) == []


def test_a_redacted_shopper_who_comes_back_and_buys_is_a_customer_again(
    any_db: Database, shop_id: int
) -> None:
    zuleika, _, friend_id, _ = _story(any_db, shop_id)
    _redact_both(any_db, shop_id, zuleika, friend_id)
    # An order placed after the redaction: a new relationship, not a leftover of the old one.
    # Redactions are dated by the clock when they happen, not by the events' times.
    placed = datetime.now(UTC) + timedelta(minutes=1)
    later = order(email=FRIEND_EMAIL, customer_id=friend_id, at=placed)

    any_db.run(lambda s: apply_events(s, shop_id, [OrderChanged(later)], placed))

    with any_db.sessions() as session:
        back = session.scalars(select(Customer).where(Customer.email == FRIEND_EMAIL)).one()
    assert back.platform_customer_id == friend_id


def test_a_late_customer_record_does_not_enrol_a_redacted_person_again(
    any_db: Database, shop_id: int
) -> None:
    # A customers/create recorded while the redaction ran, applied after it.
    zuleika, _, friend_id, _ = _story(any_db, shop_id)
    assert zuleika.platform_customer_id is not None
    late = CustomerCreated(zuleika.platform_customer_id, REFERRER_EMAIL, REFERRER_NAME)
    _redact_both(any_db, shop_id, zuleika, friend_id)

    any_db.run(lambda s: apply_events(s, shop_id, [late], T0))

    assert _found(any_db, [REFERRER_EMAIL, "zuleika", zuleika.platform_customer_id]) == []
