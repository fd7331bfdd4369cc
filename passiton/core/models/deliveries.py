"""Webhook deliveries: seen once, kept until the queue has applied them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from passiton.core.models.base import Base, stored_enum, utcnow
from passiton.core.models.shops import Platform


class WebhookDelivery(Base):
    """Deliveries seen, for dedupe, and their events until the task queue has applied them."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("platform", "delivery_key"),
        Index("ix_webhook_deliveries_unapplied", "applied_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    platform: Mapped[Platform] = mapped_column(stored_enum(Platform))
    shop_id: Mapped[int | None] = mapped_column(
        ForeignKey("shops.id", ondelete="CASCADE"), default=None, index=True
    )
    delivery_key: Mapped[str] = mapped_column(String(255))
    topic: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    events: Mapped[list[dict[str, Any]] | None] = mapped_column(
        JSON(none_as_null=True), default=None
    )
    """The translated events (event_codec); cleared when applied, as they hold personal data."""
    applied_at: Mapped[datetime | None] = mapped_column(default=None)
