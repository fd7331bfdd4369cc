"""E-mail: the outbox of messages owed to people, each shop's mail settings and suppression list."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from passiton.core.models.base import Base, stored_enum, utcnow


class MessageKind(StrEnum):
    INVITATION = "invitation"
    REMINDER = "reminder"
    FRIEND_CODE = "friend_code"
    POINTS_PENDING = "points_pending"
    POINTS_READY = "points_ready"
    GIFT = "gift"
    MERCHANT_SUMMARY = "merchant_summary"
    TEST = "test"


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    """Claimed by a sender, whose lease (`lease_until`) says when another may take it over."""
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"
    """Not sent: the recipient is on the shop's suppression list."""
    CANCELLED = "cancelled"
    """Not sent: the shop switched this kind of message off."""


class SuppressionReason(StrEnum):
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"
    COMPLAINED = "complained"


class EmailMessage(Base):
    """One message owed to one person, written in the transaction of the event that causes it.

    `idem_key` (event + recipient + kind) is unique per shop: a replayed event writes nothing.
    The row holds what the template needs (`context`: ids and amounts, no one's name or
    address), never a rendered body: the text is made in the recipient's language when it is
    sent, and again for the merchant's preview. A redaction deletes the person's messages.
    """

    __tablename__ = "email_messages"
    __table_args__ = (
        UniqueConstraint("shop_id", "idem_key"),
        # The sender's and the sweep's question: which unsent messages are due?
        Index("ix_email_messages_due", "status", "next_attempt_at"),
        Index("ix_email_messages_shop_id_id", "shop_id", "id"),
        Index("ix_email_messages_recipient", "shop_id", "recipient_digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    kind: Mapped[MessageKind] = mapped_column(stored_enum(MessageKind))
    recipient: Mapped[str] = mapped_column(String(320))
    recipient_digest: Mapped[str] = mapped_column(String(64))
    """The keyed hash of the recipient's mailbox (`mail_suppression.address_digest`): how the
    suppression list and a redaction find the person's messages."""
    locale: Mapped[str | None] = mapped_column(String(35), default=None)
    """The recipient's own language when known; the shop's is used otherwise."""
    context: Mapped[dict[str, Any]] = mapped_column(JSON)
    idem_key: Mapped[str] = mapped_column(String(64))
    marketing: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[MessageStatus] = mapped_column(
        stored_enum(MessageStatus), default=MessageStatus.QUEUED
    )
    send_after: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    """The unique left part of the `Message-ID` header, the same on every attempt."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class MailSettings(Base):
    """A shop's choices for its e-mail; a shop without a row has the defaults."""

    __tablename__ = "mail_settings"

    shop_id: Mapped[int] = mapped_column(
        ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True
    )
    sender_name: Mapped[str] = mapped_column(String(100), default="")
    """Shown before the operator's sender address; the store's name when empty."""
    reply_to: Mapped[str] = mapped_column(String(320), default="")
    """Where replies go; the store's contact e-mail when empty."""
    disabled_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    invitations_transactional: Mapped[bool] = mapped_column(Boolean, default=False)
    """Invitations and reminders sent without marketing consent, where the law allows it."""
    overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Per kind, the merchant's own subject and body text."""
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class EmailSuppression(Base):
    """An address a shop must not write to, as a keyed hash of its e-mail key.

    Only the digest (`core/suppression.py`), like `Redaction`: the list outlives the person's
    redaction without naming them.
    """

    __tablename__ = "email_suppressions"
    __table_args__ = (UniqueConstraint("shop_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(64))
    reason: Mapped[SuppressionReason] = mapped_column(stored_enum(SuppressionReason))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
