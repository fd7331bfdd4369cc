"""The outbox: a message owed to a person is a row written with the event that causes it.

Writing the row in the caller's transaction is what makes mail durable: the event and its
message commit together or not at all. Sending happens later, outside any transaction
(`services/mail_delivery.py` and the app's sender).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from passiton.core.errors import InvalidEmail
from passiton.core.identity import email_key, is_plausible_email
from passiton.core.models import EmailMessage, MessageKind, MessageStatus, utcnow
from passiton.core.services.inserts import DIALECTS, insert_unless_present
from passiton.core.services.mail_suppression import address_digest
from passiton.core.suppression import Identifier, hasher_of

_INSERT = {
    dialect: insert_unless_present(
        dialect, EmailMessage.__table__, ["shop_id", "idem_key"]
    ).returning(EmailMessage.id)
    for dialect in DIALECTS
}


def idempotency_key(event_key: str, to: str, kind: MessageKind) -> str:
    """The message's key: one per event, recipient mailbox and kind (a hash: no address in it)."""
    mailbox = email_key(to) or to.strip().lower()
    return hashlib.sha256(f"{event_key}\x00{mailbox}\x00{kind.value}".encode()).hexdigest()


def queue_message(
    session: Session,
    *,
    shop_id: int,
    kind: MessageKind,
    to: str,
    event_key: str,
    locale: str | None,
    context: dict[str, Any],
    send_after: datetime | None = None,
    marketing: bool = False,
) -> EmailMessage | None:
    """Owe `to` one message of `kind`, in the caller's transaction; None if it is owed already.

    The unique (shop, idem_key) insert writes nothing when the same event, recipient and kind
    is already in the outbox, however the two calls interleave: a replayed or concurrent event
    neither creates a second message nor fails the caller's transaction.
    """
    address = to.strip()
    if not is_plausible_email(address):
        raise InvalidEmail("a message needs a valid recipient address", field="to")
    now = utcnow()
    due = send_after or now
    message_id: int | None = session.scalar(
        _INSERT[session.get_bind().dialect.name],
        {
            "shop_id": shop_id,
            "kind": kind,
            "recipient": address,
            "recipient_digest": address_digest(session, shop_id, address),
            "locale": locale,
            "context": context,
            "idem_key": idempotency_key(event_key, address, kind),
            "marketing": marketing,
            "status": MessageStatus.QUEUED,
            "send_after": due,
            "attempts": 0,
            "next_attempt_at": due,
            "message_id": uuid.uuid4().hex,
            "created_at": now,
        },
    )
    if message_id is None:
        return None
    return session.get_one(EmailMessage, message_id)


def forget_messages(session: Session, shop_id: int, keys: set[str]) -> int:
    """Delete the messages to these mailboxes (a redaction): sent, owed or failed alike."""
    if not keys:
        return 0
    hasher = hasher_of(session)
    digests = {hasher.digest(shop_id, Identifier.EMAIL_KEY, key) for key in keys}
    result = session.execute(
        delete(EmailMessage)
        .where(EmailMessage.shop_id == shop_id, EmailMessage.recipient_digest.in_(digests))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def shop_messages(
    session: Session, shop_id: int, offset: int, limit: int
) -> tuple[int, list[EmailMessage]]:
    """The shop's messages, newest first, one page of them, and how many there are."""
    total = session.scalar(
        select(func.count()).select_from(EmailMessage).where(EmailMessage.shop_id == shop_id)
    )
    rows = session.scalars(
        select(EmailMessage)
        .where(EmailMessage.shop_id == shop_id)
        .order_by(EmailMessage.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return int(total or 0), list(rows)


def shop_message(session: Session, shop_id: int, message_id: int) -> EmailMessage | None:
    """One of the shop's messages; None when it is not the shop's."""
    message = session.get(EmailMessage, message_id)
    return message if message is not None and message.shop_id == shop_id else None
