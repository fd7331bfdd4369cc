"""Referrers (customers), their friends' referrals and the link visits."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from passiton.core.models.base import Base, stored_enum, utcnow


class Customer(Base):
    """A buyer of the shop, as referrer: their code and point balances."""

    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("referral_code"),
        UniqueConstraint("shop_id", "platform_customer_id"),
        UniqueConstraint("shop_id", "email_key"),
        CheckConstraint("points_available >= 0", name="available_not_negative"),
        CheckConstraint("points_pending >= 0", name="pending_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    platform_customer_id: Mapped[str | None] = mapped_column(String(64), default=None)
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    email_key: Mapped[str | None] = mapped_column(String(320), default=None)
    first_name: Mapped[str | None] = mapped_column(String(255), default=None)
    shipping_key: Mapped[str | None] = mapped_column(String(512), default=None)
    phone_key: Mapped[str | None] = mapped_column(String(32), default=None)
    locale: Mapped[str | None] = mapped_column(String(35), default=None)
    """The buyer's language from their latest order (BCP 47); None until an order says."""
    accepts_marketing: Mapped[bool | None] = mapped_column(default=None)
    """Whether they agreed to marketing e-mail (invitations, reminders); None until the store
    says. Only `True` allows marketing mail; services/marketing_consent.py keeps it current."""
    marketing_consent_at: Mapped[datetime | None] = mapped_column(default=None)
    """When the store says the consent fact behind `accepts_marketing` was given or withdrawn,
    so that an older fact arriving late never replaces a newer one."""
    referral_code: Mapped[str] = mapped_column(String(64))
    points_pending: Mapped[int] = mapped_column(BigInteger, default=0)
    points_available: Mapped[int] = mapped_column(BigInteger, default=0)
    link_visits: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    redacted_at: Mapped[datetime | None] = mapped_column(default=None)


class ReferralStatus(StrEnum):
    OFFERED = "offered"
    """The friend claimed a code; no qualifying order yet."""
    PENDING = "pending"
    """Converted: points credited as pending until the hold period passes."""
    APPROVED = "approved"
    REVERSED = "reversed"
    """The order was cancelled or refunded in full before approval."""
    REVIEW = "review"
    REJECTED = "rejected"


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("shop_id", "friend_email_key"),
        UniqueConstraint("shop_id", "order_id"),
        Index("ix_referrals_status_due", "status", "approve_after"),
        Index("ix_referrals_referrer", "referrer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    referrer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    settings_version: Mapped[int] = mapped_column(Integer)
    friend_email: Mapped[str | None] = mapped_column(String(320), default=None)
    friend_email_key: Mapped[str | None] = mapped_column(String(320), default=None)
    friend_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("friend_codes.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[ReferralStatus] = mapped_column(
        stored_enum(ReferralStatus), default=ReferralStatus.OFFERED
    )
    order_id: Mapped[str | None] = mapped_column(String(64), default=None)
    friend_customer_id: Mapped[str | None] = mapped_column(String(64), default=None)
    order_subtotal: Mapped[Decimal | None] = mapped_column(default=None)
    """The friend's order value that counts for rewards, net of refunds (for reporting)."""
    points_pending: Mapped[int] = mapped_column(BigInteger, default=0)
    points_approved: Mapped[int] = mapped_column(BigInteger, default=0)
    points_clawed_back: Mapped[int] = mapped_column(BigInteger, default=0)
    points_unrecovered: Mapped[int] = mapped_column(BigInteger, default=0)
    """Clawback the referrer's balance could not cover; left to the merchant's review."""
    entry_seq: Mapped[int] = mapped_column(Integer, default=0)
    """Number of ledger entries posted for this referral; part of their idempotency keys."""
    review_reason: Mapped[str | None] = mapped_column(String(64), default=None)
    decision_note: Mapped[str | None] = mapped_column(Text, default=None)
    approve_after: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    converted_at: Mapped[datetime | None] = mapped_column(default=None)
    approved_at: Mapped[datetime | None] = mapped_column(default=None)
    channel: Mapped[str] = mapped_column(String(16), default="direct", server_default="direct")
    """Where the friend's link was shared from (core/channels.py), as the claim's link said."""


class LinkVisitDay(Base):
    """How many times a shop's referral links were opened on one (UTC) day, for the funnel."""

    __tablename__ = "link_visit_days"
    __table_args__ = (UniqueConstraint("shop_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    visits: Mapped[int] = mapped_column(Integer, default=0)


class LinkVisitChannelDay(Base):
    """Link visits of a shop on one (UTC) day that came through one channel (core/channels.py).

    A table of its own beside `LinkVisitDay` rather than a column of it: the unique key of that
    table is what a running release's visit upsert conflicts on, so it cannot change under it.
    """

    __tablename__ = "link_visit_channel_days"
    __table_args__ = (UniqueConstraint("shop_id", "day", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(16))
    visits: Mapped[int] = mapped_column(Integer, default=0)
