"""The merchant's own webhook endpoints, the deliveries owed to them, and the referral links
owed to Shopify's customer metafield."""

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
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from passiton.core.models.base import Base, stored_enum, utcnow


class HookEndpoint(Base):
    """A URL of the merchant's (Klaviyo, Shopify Flow, Zapier…) that is sent the chosen events."""

    __tablename__ = "hook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    """The signing secret, encrypted at rest like every other secret; shown to the merchant once."""
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    include_friend_email: Mapped[bool] = mapped_column(Boolean, default=False)
    """The merchant's opt-in to send the referred friend's address (off: never sent)."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    secret_rotated_at: Mapped[datetime | None] = mapped_column(default=None)


class HookDeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    """Given up: a permanent refusal, or every attempt used."""


class HookDelivery(Base):
    """One event owed to one endpoint: written with the business event, sent after the commit."""

    __tablename__ = "hook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_key"),
        Index("ix_hook_deliveries_status_due", "status", "next_attempt_at"),
        Index("ix_hook_deliveries_shop_recent", "shop_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("hook_endpoints.id", ondelete="CASCADE"))
    delivery_id: Mapped[str] = mapped_column(String(36), unique=True)
    """Stable across retries (`X-Passiton-Delivery`): receivers drop what they have seen."""
    event_id: Mapped[str] = mapped_column(String(36))
    """The event's id, the same for every endpoint that is sent it."""
    event_key: Mapped[str] = mapped_column(String(200))
    """The business event's idempotency key, e.g. `referral.approved:42`."""
    event_type: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), default=None, index=True
    )
    """The referrer it is about: a redaction erases their deliveries' payloads."""
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[HookDeliveryStatus] = mapped_column(
        stored_enum(HookDeliveryStatus), default=HookDeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)


class LinkPublicationStatus(StrEnum):
    OWED = "owed"
    PUBLISHED = "published"
    FAILED = "failed"


class LinkPublication(Base):
    """A referral link owed to the store's customer record (Shopify's `passiton.referral_url`)."""

    __tablename__ = "link_publications"
    __table_args__ = (
        UniqueConstraint("customer_id"),
        Index("ix_link_publications_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    status: Mapped[LinkPublicationStatus] = mapped_column(
        stored_enum(LinkPublicationStatus), default=LinkPublicationStatus.OWED
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
