"""Shops, their program settings' versions and their API keys."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from passiton.core.models.base import Base, stored_enum, utcnow


class Platform(StrEnum):
    SHOPIFY = "shopify"
    WOOCOMMERCE = "woocommerce"
    FAKE = "fake"


class ShopStatus(StrEnum):
    ACTIVE = "active"
    UNINSTALLED = "uninstalled"


class Shop(Base):
    __tablename__ = "shops"
    __table_args__ = (UniqueConstraint("platform", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[Platform] = mapped_column(stored_enum(Platform))
    domain: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255), default="")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    locale: Mapped[str] = mapped_column(String(35), default="en", server_default="en")
    """The store's primary language (BCP 47), for shoppers whose own language is not known."""
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    contact_email: Mapped[str] = mapped_column(String(255), default="", server_default="")
    facts_refreshed_at: Mapped[datetime | None] = mapped_column(default=None)
    """When the store last told us its name, currency, language and time zone."""
    status: Mapped[ShopStatus] = mapped_column(stored_enum(ShopStatus), default=ShopStatus.ACTIVE)
    credentials: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    """Encrypted by the composition root; the core never reads it."""
    webhook_secret: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    reconciled_until: Mapped[datetime | None] = mapped_column(default=None)
    installed_at: Mapped[datetime] = mapped_column(default=utcnow)
    uninstalled_at: Mapped[datetime | None] = mapped_column(default=None)


class ProgramSettingsVersion(Base):
    __tablename__ = "program_settings"
    __table_args__ = (UniqueConstraint("shop_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
