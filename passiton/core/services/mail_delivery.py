"""The life of an owed message: claimed by a sender, then sent, retried, failed or skipped.

No SMTP call happens inside a transaction: a sender claims a message (status `sending` with a
lease) and commits, talks to the SMTP server, then commits the result. A sender that dies in
between leaves the message `sending`; when its lease runs out, the sweep hands it to another.
So the only repeat is a crash between the server's 250 and the result's commit, and the stable
Message-ID lets the receiving side recognise that one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from passiton.core.models import (
    EmailMessage,
    MailSettings,
    MessageKind,
    MessageStatus,
    SuppressionReason,
)
from passiton.core.services import referrer_mail
from passiton.core.services.mail_suppression import digest_suppression

LEASE = timedelta(minutes=5)
"""How long a claimed message is its sender's; longer than any SMTP exchange's timeouts."""
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=4)
"""Eight attempts with doubling delays span about a day, like an MTA's own queue."""
ERROR_LENGTH = 1000

REQUESTED_KINDS = frozenset({MessageKind.FRIEND_CODE, MessageKind.TEST})
"""Messages the recipient asked for a moment ago, which an unsubscribe does not stop.

RFC 8058's one-click unsubscribe and the rules behind it (CAN-SPAM's "transactional or
relationship" messages, the GDPR's performance of a request, Gmail's and Yahoo's bulk-sender
rules) concern mail the recipient did not request. A friend who types their address to get a
code has just asked for that code, and every e-commerce platform still sends order and code
messages to people who unsubscribed from its newsletters. A bounce or a complaint, though,
stops everything: writing to a dead mailbox or to someone who reports us as spam harms every
shop sharing the sender's reputation.
"""


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, … at most 4 h."""
    return min(FIRST_RETRY * (1 << max(attempts - 1, 0)), LAST_RETRY)


def due_messages(session: Session, now: datetime, limit: int) -> list[int]:
    """Messages a sender should take now: queued and due, or claimed by one whose lease ran out."""
    return list(
        session.scalars(
            select(EmailMessage.id)
            .where(_takeable(now))
            .order_by(EmailMessage.next_attempt_at, EmailMessage.id)
            .limit(limit)
        )
    )


def claim_message(session: Session, message_id: int, now: datetime) -> EmailMessage | None:
    """Take the message for sending (the caller commits before it sends); None if not to send.

    The conditional update is the claim: of two senders racing for one message, one updates
    it and the other updates nothing. A message the shop switched off or whose recipient is
    suppressed is settled here, unsent.
    """
    claimed = session.scalar(
        update(EmailMessage)
        .where(EmailMessage.id == message_id, _takeable(now))
        .values(
            status=MessageStatus.SENDING,
            lease_until=now + LEASE,
            attempts=EmailMessage.attempts + 1,
        )
        .returning(EmailMessage.id)
        .execution_options(synchronize_session=False)
    )
    if claimed is None:
        return None
    message = session.get_one(EmailMessage, message_id, populate_existing=True)
    skipped = _skip_status(session, message)
    if skipped is not None:
        message.status = skipped
        message.lease_until = None
        return None
    return message


def record_sent(session: Session, message_id: int, now: datetime) -> None:
    """The SMTP server accepted the message."""
    message = session.get_one(EmailMessage, message_id, populate_existing=True)
    message.status = MessageStatus.SENT
    message.sent_at = now
    message.lease_until = None
    message.last_error = None


def record_temporary_failure(
    session: Session, message_id: int, now: datetime, error: str
) -> MessageStatus:
    """A 4xx answer or a lost connection: try again later, or give up after MAX_ATTEMPTS."""
    message = session.get_one(EmailMessage, message_id, populate_existing=True)
    message.last_error = error[:ERROR_LENGTH]
    message.lease_until = None
    if message.attempts >= MAX_ATTEMPTS:
        message.status = MessageStatus.FAILED
    else:
        message.status = MessageStatus.QUEUED
        message.next_attempt_at = now + retry_delay(message.attempts)
    return message.status


def record_permanent_failure(session: Session, message_id: int, error: str) -> None:
    """A 5xx answer: the server will never take this message; it is not tried again."""
    message = session.get_one(EmailMessage, message_id, populate_existing=True)
    message.status = MessageStatus.FAILED
    message.last_error = error[:ERROR_LENGTH]
    message.lease_until = None


def mail_settings_of(session: Session, shop_id: int) -> MailSettings:
    """The shop's mail settings; the defaults (not added to the session) when it has none."""
    found = session.get(MailSettings, shop_id)
    if found is not None:
        return found
    return MailSettings(
        shop_id=shop_id,
        sender_name="",
        reply_to="",
        disabled_kinds=[],
        invitations_transactional=False,
        overrides={},
    )


def _takeable(now: datetime) -> ColumnElement[bool]:
    return or_(
        (EmailMessage.status == MessageStatus.QUEUED) & (EmailMessage.next_attempt_at <= now),
        (EmailMessage.status == MessageStatus.SENDING) & (EmailMessage.lease_until < now),
    )


def _skip_status(session: Session, message: EmailMessage) -> MessageStatus | None:
    settings = mail_settings_of(session, message.shop_id)
    if message.kind is not MessageKind.TEST and message.kind.value in settings.disabled_kinds:
        return MessageStatus.CANCELLED
    reason = digest_suppression(session, message.shop_id, message.recipient_digest)
    if reason is not None and not (
        reason is SuppressionReason.UNSUBSCRIBED
        and not message.marketing
        and message.kind in REQUESTED_KINDS
    ):
        return MessageStatus.SUPPRESSED
    # Asked now, not when queued: a reminder stops once a friend claimed, and an invitation
    # or reminder once the buyer withdrew consent (referrer_mail.still_wanted).
    if not referrer_mail.still_wanted(session, message):
        return MessageStatus.CANCELLED
    return None


def next_attempt_of(session: Session, message_id: int) -> datetime | None:
    """When a queued message is next due; None once it is no longer queued."""
    return session.scalar(
        select(EmailMessage.next_attempt_at).where(
            EmailMessage.id == message_id, EmailMessage.status == MessageStatus.QUEUED
        )
    )
