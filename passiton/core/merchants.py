"""Storage for merchant accounts (WooCommerce merchants sign up with e-mail and password).

Shopify merchants are identified by Shopify itself; WooCommerce has no app store, so a merchant
signs up here, connects stores with wc-auth, and the companion plugin talks to us with a key.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from passiton.core.models import Base, stored_enum, utcnow


class Merchant(Base):
    __tablename__ = "merchants"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    email_key: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    """Stamped into each login session; logging out bumps it, so copied cookies stop working."""


class MerchantShop(Base):
    """Which shops a merchant may manage."""

    __tablename__ = "merchant_shops"
    __table_args__ = (UniqueConstraint("merchant_id", "shop_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id", ondelete="CASCADE"))
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginFailure(Base):
    """Failed logins as the previous release counted them; no longer written.

    Logins are throttled by `app.web.merchant.login_throttle` now. The table stays while a
    previous release may still serve next to this one (migrations are additive); a later
    migration drops it.
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_at", "email_key", "failed_at"),
        Index("ix_login_failures_ip_at", "ip", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(String(320))
    ip: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)


class GrantStatus(StrEnum):
    STARTED = "started"
    """The merchant was sent to the store; no key has come back yet."""
    VERIFYING = "verifying"
    """The store sent a key; a task is checking that it works against that store."""
    CONNECTED = "connected"
    REFUSED = "refused"


class OldKeyStatus(StrEnum):
    REVOKING = "revoking"
    """The companion plugin is being asked to delete the replaced key."""
    REVOKED = "revoked"
    REMOVE_BY_HAND = "remove_by_hand"
    """No plugin answered: the merchant must delete the key in WooCommerce themselves."""


class ConnectRequest(Base):
    """A one-time wc-auth state: binds the unsigned key callback to a merchant and a store URL.

    The callback only records the key it brings (sealed) and answers; nothing is linked until
    a task has proven the key works against that store URL (see `GrantStatus`).
    """

    __tablename__ = "woocommerce_connect_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("merchants.id", ondelete="CASCADE"), index=True
    )
    store_url: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[GrantStatus] = mapped_column(
        stored_enum(GrantStatus),
        default=GrantStatus.STARTED,
        server_default=GrantStatus.STARTED.value,
    )
    sealed_grant: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    """The granted key pair, encrypted, only while it is being verified."""
    refusal: Mapped[str | None] = mapped_column(String(255), default=None)
    shop_id: Mapped[int | None] = mapped_column(
        ForeignKey("shops.id", ondelete="SET NULL"), default=None
    )
    old_key_id: Mapped[str | None] = mapped_column(String(32), default=None)
    """The store's id of the key this connect replaced, which WooCommerce keeps valid."""
    old_key_status: Mapped[OldKeyStatus | None] = mapped_column(
        stored_enum(OldKeyStatus), default=None
    )


class PluginKey(Base):
    """The key a store's companion plugin signs its calls with (encrypted by the app)."""

    __tablename__ = "plugin_keys"

    shop_id: Mapped[int] = mapped_column(
        ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True
    )
    sealed_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
