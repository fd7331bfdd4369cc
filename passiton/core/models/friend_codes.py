"""The friend offers and the pool of single-use codes created for them on the store."""

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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from passiton.core.models.base import Base, stored_enum, utcnow


class FriendOffer(Base):
    """One friend offer per shop and offer version; its codes live on the store as one discount."""

    __tablename__ = "friend_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    settings_version: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    store_ref: Mapped[str | None] = mapped_column(String(255), default=None)
    """The platform's id for the offer (Shopify: the discount's gid), once created."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FriendCodeStatus(StrEnum):
    OWED = "owed"
    """Reserved here, not yet created on the store."""
    AVAILABLE = "available"
    ASSIGNED = "assigned"
    RETIRING = "retiring"
    """Its offer was replaced: to be deactivated on the store."""
    RETIRED = "retired"


class FriendCode(Base):
    __tablename__ = "friend_codes"
    __table_args__ = (
        UniqueConstraint("shop_id", "code"),
        Index("ix_friend_codes_offer_status", "offer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("friend_offers.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    status: Mapped[FriendCodeStatus] = mapped_column(
        stored_enum(FriendCodeStatus), default=FriendCodeStatus.OWED
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_at: Mapped[datetime | None] = mapped_column(default=None)
