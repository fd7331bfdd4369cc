"""The outbox: a message is a row written in the caller's transaction, once per event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passiton.app.database import Database
from passiton.core.errors import InvalidEmail
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import EmailMessage, MessageKind, MessageStatus
from passiton.core.services.outbox import queue_message
from tests.integration.test_concurrency import race
from tests.support.builders import T0, make_shop


def _queue(session: Session, shop_id: int, **changes: object) -> EmailMessage | None:
    arguments: dict[str, object] = {
        "shop_id": shop_id,
        "kind": MessageKind.FRIEND_CODE,
        "to": "fritz@example.com",
        "event_key": "claim:1",
        "locale": "de",
        "context": {"code": "FRIEND-1"},
    }
    arguments.update(changes)
    return queue_message(session, **arguments)  # type: ignore[arg-type]


def _count(db: Database) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(EmailMessage)) or 0)


def test_queued_message_is_a_row_with_a_stable_message_id(any_db: Database) -> None:
    shop_id = make_shop(any_db, FakeStoreDirectory())

    with any_db.transaction() as session:
        message = _queue(session, shop_id, send_after=T0 + timedelta(hours=3))
        assert message is not None
        message_id, row_id = message.message_id, message.id

    with any_db.sessions() as session:
        stored = session.get_one(EmailMessage, row_id)
    assert stored.status is MessageStatus.QUEUED
    assert stored.kind is MessageKind.FRIEND_CODE
    assert stored.recipient == "fritz@example.com"
    assert stored.context == {"code": "FRIEND-1"}
    assert stored.locale == "de"
    assert stored.marketing is False
    assert stored.attempts == 0
    assert stored.send_after == stored.next_attempt_at == T0 + timedelta(hours=3)
    assert stored.message_id == message_id
    assert len(message_id) == 32
    assert "fritz" not in stored.idem_key


def test_same_event_recipient_and_kind_queue_one_message(any_db: Database) -> None:
    shop_id = make_shop(any_db, FakeStoreDirectory())
    with any_db.transaction() as session:
        assert _queue(session, shop_id) is not None

    with any_db.transaction() as session:
        # Another spelling of the same mailbox is the same recipient.
        again = _queue(session, shop_id, to="Fritz+news@Example.com", context={"code": "X"})
        other_kind = _queue(session, shop_id, kind=MessageKind.GIFT)
        other_event = _queue(session, shop_id, event_key="claim:2")

    assert again is None
    assert other_kind is not None
    assert other_event is not None
    assert _count(any_db) == 3
    with any_db.sessions() as session:
        codes = session.scalars(
            select(EmailMessage.context).where(EmailMessage.kind == MessageKind.FRIEND_CODE)
        ).all()
    assert {c["code"] for c in codes} == {"FRIEND-1"}


def test_duplicate_does_not_spoil_the_callers_transaction(any_db: Database) -> None:
    shop_id = make_shop(any_db, FakeStoreDirectory())
    with any_db.transaction() as session:
        _queue(session, shop_id)

    with any_db.transaction() as session:
        assert _queue(session, shop_id) is None
        # The caller's own work after the duplicate still commits.
        assert _queue(session, shop_id, event_key="claim:3") is not None

    assert _count(any_db) == 2


def test_message_rolls_back_with_the_event_that_caused_it(any_db: Database) -> None:
    shop_id = make_shop(any_db, FakeStoreDirectory())

    def event_that_fails(session: Session) -> None:
        _queue(session, shop_id)
        raise RuntimeError("the event's own work failed")

    with pytest.raises(RuntimeError):
        any_db.run(event_that_fails)

    assert _count(any_db) == 0


def test_invalid_recipient_is_refused_and_writes_nothing(db: Database) -> None:
    shop_id = make_shop(db, FakeStoreDirectory())

    with pytest.raises(InvalidEmail), db.transaction() as session:
        _queue(session, shop_id, to="not an address")

    assert _count(db) == 0


@pytest.mark.postgres
def test_concurrent_queueing_of_one_message_writes_one_row(pg_db: Database) -> None:
    shop_id = make_shop(pg_db, FakeStoreDirectory())

    def queue(_: int) -> int | None:
        with pg_db.transaction() as session:
            message = _queue(session, shop_id)
            return None if message is None else message.id

    results = race(queue)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert len([r for r in results if r is not None]) == 1
    assert _count(pg_db) == 1
