"""Points: the append-only ledger and the codes bought with points."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from passiton.core.models.base import Base, stored_enum, utcnow


class EntryKind(StrEnum):
    EARN = "earn"
    ADJUST = "adjust"
    APPROVE = "approve"
    CLAWBACK = "clawback"
    REDEEM = "redeem"
    REDEEM_RETURN = "redeem_return"
    MILESTONE = "milestone"
    MILESTONE_CLAWBACK = "milestone_clawback"
    MILESTONE_RETURN = "milestone_return"


class LedgerEntry(Base):
    """Append-only. A customer's balances are the sums of these deltas, and stored on Customer."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("shop_id", "idem_key"),
        Index("ix_ledger_customer", "customer_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), default=None
    )
    kind: Mapped[EntryKind] = mapped_column(stored_enum(EntryKind))
    pending_delta: Mapped[int] = mapped_column(BigInteger, default=0)
    available_delta: Mapped[int] = mapped_column(BigInteger, default=0)
    idem_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RewardKind(StrEnum):
    REWARD = "reward"
    GIFT = "gift"


class RewardCodeStatus(StrEnum):
    OWED = "owed"
    CREATED = "created"
    FAILED = "failed"


class RewardCode(Base):
    """A code bought with points. The row is written with the debit; the store call comes after."""

    __tablename__ = "reward_codes"
    __table_args__ = (UniqueConstraint("shop_id", "idem_key"), UniqueConstraint("shop_id", "code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[RewardKind] = mapped_column(stored_enum(RewardKind))
    code: Mapped[str] = mapped_column(String(64))
    points: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[Decimal] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3))
    idem_key: Mapped[str] = mapped_column(String(200))
    status: Mapped[RewardCodeStatus] = mapped_column(
        stored_enum(RewardCodeStatus), default=RewardCodeStatus.OWED
    )
    store_ref: Mapped[str | None] = mapped_column(String(255), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    fulfilled_at: Mapped[datetime | None] = mapped_column(default=None)
