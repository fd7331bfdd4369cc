"""Milestone bonuses: one row per referrer and tier reached, with what was taken back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from passiton.core.models.base import Base, utcnow


class MilestoneGrant(Base):
    """A tier's bonus granted to a referrer, and the referral whose approval reached it.

    The unique (customer, tier) pair is what makes a tier granted once per referrer; the ledger
    keys carry the customer, the tier and `entry_seq`, as a referral's keys do.
    """

    __tablename__ = "milestone_grants"
    __table_args__ = (UniqueConstraint("customer_id", "referrals"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"))
    referrals: Mapped[int] = mapped_column(Integer)
    """The tier: how many approved referrals reached it."""
    points: Mapped[int] = mapped_column(BigInteger)
    points_clawed_back: Mapped[int] = mapped_column(BigInteger, default=0)
    points_unrecovered: Mapped[int] = mapped_column(BigInteger, default=0)
    """Clawback the referrer's balance could not cover; left to the merchant's review."""
    entry_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
