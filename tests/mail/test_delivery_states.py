"""A message's life in the outbox: claimed with a lease, then sent, retried, failed or skipped."""

from __future__ import annotations

from datetime import timedelta

from passiton.app.database import Database
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import (
    EmailMessage,
    MailSettings,
    MessageKind,
    MessageStatus,
    SuppressionReason,
)
from passiton.core.services import mail_delivery
from passiton.core.services.mail_suppression import suppress
from passiton.core.services.outbox import queue_message
from tests.support.builders import T0, make_shop


def _queued(
    db: Database, kind: MessageKind = MessageKind.FRIEND_CODE, *, marketing: bool = False
) -> tuple[int, int]:
    shop_id = make_shop(db, FakeStoreDirectory())
    with db.transaction() as session:
        message = queue_message(
            session,
            shop_id=shop_id,
            kind=kind,
            to="fritz@example.com",
            event_key="e1",
            locale=None,
            context={},
            send_after=T0,
            marketing=marketing,
        )
        assert message is not None
        return shop_id, message.id


def _message(db: Database, message_id: int) -> EmailMessage:
    with db.sessions() as session:
        return session.get_one(EmailMessage, message_id)


def test_a_claimed_message_is_not_claimed_again_until_its_lease_runs_out(db: Database) -> None:
    _, message_id = _queued(db)

    with db.transaction() as session:
        assert mail_delivery.claim_message(session, message_id, T0) is not None
    with db.transaction() as session:
        assert mail_delivery.claim_message(session, message_id, T0 + timedelta(minutes=1)) is None
        assert mail_delivery.due_messages(session, T0 + timedelta(minutes=1), 10) == []
        later = T0 + mail_delivery.LEASE + timedelta(seconds=1)
        assert mail_delivery.due_messages(session, later, 10) == [message_id]
        assert mail_delivery.claim_message(session, message_id, later) is not None

    stored = _message(db, message_id)
    assert stored.status is MessageStatus.SENDING
    assert stored.attempts == 2


def test_a_message_is_not_due_before_send_after(db: Database) -> None:
    _, message_id = _queued(db)

    with db.transaction() as session:
        assert mail_delivery.due_messages(session, T0 - timedelta(seconds=1), 10) == []
        assert mail_delivery.claim_message(session, message_id, T0 - timedelta(seconds=1)) is None

    assert _message(db, message_id).status is MessageStatus.QUEUED


def test_temporary_failures_back_off_then_fail_for_good(db: Database) -> None:
    _, message_id = _queued(db)
    now = T0
    for attempt in range(1, mail_delivery.MAX_ATTEMPTS):
        with db.transaction() as session:
            assert mail_delivery.claim_message(session, message_id, now) is not None
            status = mail_delivery.record_temporary_failure(session, message_id, now, "451 busy")
        assert status is MessageStatus.QUEUED
        waited = _message(db, message_id).next_attempt_at - now
        assert waited == mail_delivery.retry_delay(attempt)
        now += waited

    with db.transaction() as session:
        assert mail_delivery.claim_message(session, message_id, now) is not None
        status = mail_delivery.record_temporary_failure(session, message_id, now, "451 busy")

    stored = _message(db, message_id)
    assert status is stored.status is MessageStatus.FAILED
    assert stored.last_error == "451 busy"


def test_a_permanent_failure_is_not_retried(db: Database) -> None:
    _, message_id = _queued(db)
    with db.transaction() as session:
        mail_delivery.claim_message(session, message_id, T0)
        mail_delivery.record_permanent_failure(session, message_id, "550 no such user")

    with db.transaction() as session:
        assert mail_delivery.due_messages(session, T0 + timedelta(days=2), 10) == []
    stored = _message(db, message_id)
    assert stored.status is MessageStatus.FAILED
    assert stored.last_error == "550 no such user"


def test_a_kind_the_shop_switched_off_is_cancelled_unsent(db: Database) -> None:
    shop_id, message_id = _queued(db, MessageKind.POINTS_READY)
    with db.transaction() as session:
        session.add(MailSettings(shop_id=shop_id, disabled_kinds=[MessageKind.POINTS_READY.value]))

    with db.transaction() as session:
        assert mail_delivery.claim_message(session, message_id, T0) is None

    assert _message(db, message_id).status is MessageStatus.CANCELLED


def test_marketing_to_an_unsubscribed_address_is_suppressed(db: Database) -> None:
    shop_id, message_id = _queued(db, MessageKind.INVITATION, marketing=True)
    with db.transaction() as session:
        suppress(session, shop_id, "Fritz@example.com", SuppressionReason.UNSUBSCRIBED)

    with db.transaction() as session:
        assert mail_delivery.claim_message(session, message_id, T0) is None

    assert _message(db, message_id).status is MessageStatus.SUPPRESSED


def test_the_code_a_friend_just_asked_for_still_goes_after_an_unsubscribe(db: Database) -> None:
    shop_id, message_id = _queued(db, MessageKind.FRIEND_CODE)
    with db.transaction() as session:
        suppress(session, shop_id, "fritz@example.com", SuppressionReason.UNSUBSCRIBED)

    with db.transaction() as session:
        assert mail_delivery.claim_message(session, message_id, T0) is not None


def test_nothing_goes_to_an_address_that_bounced(db: Database) -> None:
    shop_id, message_id = _queued(db, MessageKind.FRIEND_CODE)
    with db.transaction() as session:
        suppress(session, shop_id, "fritz@example.com", SuppressionReason.BOUNCED)

    with db.transaction() as session:
        assert mail_delivery.claim_message(session, message_id, T0) is None

    assert _message(db, message_id).status is MessageStatus.SUPPRESSED
