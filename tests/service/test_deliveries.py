"""Deliveries recorded now and applied later: once, fully or not at all, and then forgotten."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passiton.app.database import Database
from passiton.core.events import Event, OrderChanged, ShopRedactRequested
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import Customer, LedgerEntry, Platform, WebhookDelivery
from passiton.core.services.compliance import redact_shop
from passiton.core.services.deliveries import (
    apply_delivery,
    record_delivery,
    unapplied_deliveries,
)
from tests.support.builders import T0, balances, claim, make_referrer, make_shop, order


def record(db: Database, shop_id: int, events: list[Event], key: str = "d-1") -> int | None:
    return db.run(
        lambda s: record_delivery(s, Platform.FAKE, shop_id, key, "orders/paid", events, T0)
    )


def paid_order(db: Database, shop_id: int, anna: Customer) -> list[Event]:
    code = claim(db, shop_id, anna, "fritz@example.com").code
    return [OrderChanged(order(codes=(code,), email="fritz@example.com"))]


def delivery(db: Database, delivery_id: int) -> WebhookDelivery:
    with db.sessions() as session:
        return session.get_one(WebhookDelivery, delivery_id)


def ledger_rows(db: Database) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEntry)) or 0)


def test_recording_stores_the_events_and_changes_nothing_else(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    delivery_id = record(any_db, shop_id, paid_order(any_db, shop_id, anna))
    assert delivery_id is not None
    row = delivery(any_db, delivery_id)
    assert row.applied_at is None
    assert row.events is not None
    assert row.events[0]["type"] == "order_changed"
    assert ledger_rows(any_db) == 0


def test_the_same_delivery_key_is_recorded_once(any_db: Database, shop_id: int) -> None:
    first = record(any_db, shop_id, [ShopRedactRequested()])
    second = record(any_db, shop_id, [ShopRedactRequested()])
    assert first is not None
    assert second is None
    with any_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 1


def test_delivery_without_events_is_recorded_as_applied(any_db: Database, shop_id: int) -> None:
    delivery_id = record(any_db, shop_id, [])
    assert delivery_id is not None
    row = delivery(any_db, delivery_id)
    assert (row.applied_at, row.events) == (T0, None)


def test_applying_credits_once_and_clears_the_stored_events(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    delivery_id = record(any_db, shop_id, paid_order(any_db, shop_id, anna))
    assert delivery_id is not None
    first = any_db.run(lambda s: apply_delivery(s, delivery_id, T0))
    second = any_db.run(lambda s: apply_delivery(s, delivery_id, T0))
    assert (first, second) == (True, False)
    assert balances(any_db, anna.id) == (1000, 0)
    assert ledger_rows(any_db) == 1
    row = delivery(any_db, delivery_id)
    assert (row.applied_at, row.events) == (T0, None)
    with any_db.sessions() as session:  # SQL NULL, not a JSON null: nothing of the body is left
        stored = select(func.count()).where(WebhookDelivery.events.is_not(None))
        assert session.scalar(stored) == 0


def test_a_failed_application_leaves_the_delivery_to_be_applied_again(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    delivery_id = record(any_db, shop_id, paid_order(any_db, shop_id, anna))
    assert delivery_id is not None

    def crash_after_applying(session: Session) -> None:
        apply_delivery(session, delivery_id, T0)
        raise RuntimeError("worker died before commit")

    with pytest.raises(RuntimeError):
        any_db.run(crash_after_applying)
    assert ledger_rows(any_db) == 0
    assert delivery(any_db, delivery_id).events is not None
    assert any_db.run(lambda s: apply_delivery(s, delivery_id, T0))
    assert balances(any_db, anna.id) == (1000, 0)


def test_delivery_for_a_shop_redacted_meanwhile_is_dropped(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    delivery_id = record(any_db, shop_id, paid_order(any_db, shop_id, anna))
    assert delivery_id is not None
    any_db.run(lambda s: redact_shop(s, shop_id))
    assert any_db.run(lambda s: apply_delivery(s, delivery_id, T0)) is False
    with any_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    assert ledger_rows(any_db) == 0


def test_a_shop_redaction_delivery_applies_and_takes_itself_away(
    any_db: Database, shop_id: int
) -> None:
    delivery_id = record(any_db, shop_id, [ShopRedactRequested()])
    assert delivery_id is not None
    assert any_db.run(lambda s: apply_delivery(s, delivery_id, T0)) is True
    with any_db.sessions() as session:
        assert session.get(WebhookDelivery, delivery_id) is None


def test_only_deliveries_left_unapplied_past_the_grace_are_listed(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    events = paid_order(any_db, shop_id, anna)
    waiting = record(any_db, shop_id, events, key="waiting")
    applied = record(any_db, shop_id, events, key="applied")
    assert applied is not None
    any_db.run(lambda s: apply_delivery(s, applied, T0))
    ignored = record(any_db, shop_id, [], key="ignored")
    assert ignored is not None
    with any_db.sessions() as session:
        assert unapplied_deliveries(session, T0 + timedelta(minutes=1), 10) == [waiting]
        assert unapplied_deliveries(session, T0, 10) == []


@pytest.mark.postgres
def test_two_tasks_applying_one_delivery_at_once_credit_once(
    pg_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id = make_shop(pg_db, stores)
    anna = make_referrer(pg_db, shop_id)
    delivery_id = record(pg_db, shop_id, paid_order(pg_db, shop_id, anna))
    assert delivery_id is not None
    start = threading.Barrier(2)
    results: list[bool] = []

    def task() -> None:
        start.wait()
        results.append(pg_db.run(lambda s: apply_delivery(s, delivery_id, T0)))

    threads = [threading.Thread(target=task) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert ledger_rows(pg_db) == 1
    assert balances(pg_db, anna.id) == (1000, 0)
