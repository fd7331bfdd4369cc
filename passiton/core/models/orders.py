"""What we know of the orders that matter to the program, and their refunds."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from passiton.core.models.base import Base, utcnow


class OrderRecord(Base):
    """The latest state we know of an order that matters to the program."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("shop_id", "order_id"),
        Index("ix_orders_shop_customer", "shop_id", "customer_id"),
        Index("ix_orders_shop_email", "shop_id", "email_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    order_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str | None] = mapped_column(String(64), default=None)
    email_key: Mapped[str | None] = mapped_column(String(320), default=None)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    total: Mapped[Decimal] = mapped_column(default=Decimal(0))
    subtotal: Mapped[Decimal] = mapped_column(default=Decimal(0))
    paid: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    known: Mapped[bool] = mapped_column(Boolean, default=True)
    """False while only a refund has reached us and the order itself has not."""
    state_updated_at: Mapped[datetime | None] = mapped_column(default=None)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrderRefund(Base):
    __tablename__ = "order_refunds"
    __table_args__ = (UniqueConstraint("shop_id", "order_id", "refund_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    order_id: Mapped[str] = mapped_column(String(64))
    refund_id: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column()
