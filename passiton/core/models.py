"""Storage: SQLAlchemy 2 typed models. Every table but `shops` belongs to one shop (shop_id)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _enum(kind: type[StrEnum]) -> SAEnum:
    # Stored by value, as plain strings: no native enum types to migrate.
    return SAEnum(
        kind,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


Money = Numeric(14, 2)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), Decimal: Money}


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
    platform: Mapped[Platform] = mapped_column(_enum(Platform))
    domain: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255), default="")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    locale: Mapped[str] = mapped_column(String(35), default="en", server_default="en")
    """The store's primary language (BCP 47), for shoppers whose own language is not known."""
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    contact_email: Mapped[str] = mapped_column(String(255), default="", server_default="")
    facts_refreshed_at: Mapped[datetime | None] = mapped_column(default=None)
    """When the store last told us its name, currency, language and time zone."""
    status: Mapped[ShopStatus] = mapped_column(_enum(ShopStatus), default=ShopStatus.ACTIVE)
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
        _enum(FriendCodeStatus), default=FriendCodeStatus.OWED
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_at: Mapped[datetime | None] = mapped_column(default=None)


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
        _enum(ReferralStatus), default=ReferralStatus.OFFERED
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


class LinkVisitDay(Base):
    """How many times a shop's referral links were opened on one (UTC) day, for the funnel."""

    __tablename__ = "link_visit_days"
    __table_args__ = (UniqueConstraint("shop_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    visits: Mapped[int] = mapped_column(Integer, default=0)


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


class EntryKind(StrEnum):
    EARN = "earn"
    ADJUST = "adjust"
    APPROVE = "approve"
    CLAWBACK = "clawback"
    REDEEM = "redeem"
    REDEEM_RETURN = "redeem_return"


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
    kind: Mapped[EntryKind] = mapped_column(_enum(EntryKind))
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
    kind: Mapped[RewardKind] = mapped_column(_enum(RewardKind))
    code: Mapped[str] = mapped_column(String(64))
    points: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[Decimal] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3))
    idem_key: Mapped[str] = mapped_column(String(200))
    status: Mapped[RewardCodeStatus] = mapped_column(
        _enum(RewardCodeStatus), default=RewardCodeStatus.OWED
    )
    store_ref: Mapped[str | None] = mapped_column(String(255), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    fulfilled_at: Mapped[datetime | None] = mapped_column(default=None)


class WebhookDelivery(Base):
    """Deliveries seen, for dedupe, and their events until the task queue has applied them."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("platform", "delivery_key"),
        Index("ix_webhook_deliveries_unapplied", "applied_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    platform: Mapped[Platform] = mapped_column(_enum(Platform))
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


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class DataExport(Base):
    """A customer's data, gathered for a privacy data request, for the merchant to hand over."""

    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)


class Redaction(Base):
    """One identifier of a redacted person, as a keyed hash: what outlives `customers/redact`.

    Only an HMAC of the e-mail key or the platform customer id (`core/suppression.py`), never
    the identifier itself: the rows let the new-customers-only rule recognise the person
    again without keeping anything that names them.
    """

    __tablename__ = "redactions"
    __table_args__ = (UniqueConstraint("shop_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(64))
    redacted_at: Mapped[datetime] = mapped_column(default=utcnow)


class EmailKeyCollision(Base):
    """A row whose e-mail key, re-computed by a stricter normaliser, was already another row's.

    Written by migration 0007 instead of failing it: the row lost its key (it is no longer
    found by address) and the merchant decides whether the two are one person. Ids only, no
    address: the pair stays readable after either person is redacted.
    """

    __tablename__ = "email_key_collisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int | None] = mapped_column(
        ForeignKey("shops.id", ondelete="CASCADE"), default=None, index=True
    )
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[int] = mapped_column(BigInteger)
    kept_row_id: Mapped[int] = mapped_column(BigInteger)
    found_at: Mapped[datetime] = mapped_column(default=utcnow)
