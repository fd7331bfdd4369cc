"""Platform-neutral events: what connectors tell the core happened on a store.

Orders are reported as snapshots of their *current* state (not as topic names): platforms
coalesce, repeat and reorder deliveries, so the core decides on state, never on the topic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class RefundSeen:
    """One refund of an order, as far as the platform has told us."""

    refund_id: str
    amount: Decimal
    currency: str | None = None
    """The currency `amount` is in; None when it is its order's (every refund recorded before
    this field existed)."""


@dataclass(frozen=True)
class MarketingConsent:
    """Whether a buyer agreed to marketing e-mail, as one platform fact says, and since when."""

    accepts: bool
    at: datetime | None = None
    """When the buyer gave or withdrew it (a checkout: when the order was placed); None when
    the platform did not say, which leaves the fact unordered against others."""


@dataclass(frozen=True)
class OrderState:
    """An order as the store sees it now."""

    order_id: str
    updated_at: datetime
    customer_id: str | None
    email: str | None
    first_name: str | None
    currency: str
    total: Decimal
    subtotal: Decimal
    paid: bool
    cancelled: bool
    codes: tuple[str, ...] = ()
    ref_code: str | None = None
    refunds: tuple[RefundSeen, ...] = ()
    shipping_key: str | None = None
    phone: str | None = None
    test: bool = False
    prior_orders: int | None = None
    """How many earlier orders the platform says this customer has, when it says so."""
    locale: str | None = None
    """The buyer's language at checkout as the platform names it ("de-AT", "de_DE"), if it says;
    the core checks and normalises it before storing it."""
    marketing: MarketingConsent | None = None
    """The marketing checkbox at this order's checkout; None when the platform has no such box
    (or the store's plugin did not say)."""


@dataclass(frozen=True)
class OrderChanged:
    """An order was created, paid, updated, cancelled or refunded: here is its current state."""

    order: OrderState


@dataclass(frozen=True)
class RefundCreated:
    """A refund was made; the order itself may not have reached us yet."""

    order_id: str
    refund: RefundSeen


@dataclass(frozen=True)
class OrderDeleted:
    """The order was trashed or deleted on the store."""

    order_id: str


@dataclass(frozen=True)
class CustomerCreated:
    customer_id: str
    email: str | None
    first_name: str | None = None


@dataclass(frozen=True)
class MarketingConsentChanged:
    """The store's record of a customer's e-mail marketing consent changed (or was restated)."""

    customer_id: str | None
    email: str | None
    consent: MarketingConsent


@dataclass(frozen=True)
class CustomerDataRequested:
    customer_id: str | None
    email: str | None
    request_id: str | None = None


@dataclass(frozen=True)
class CustomerRedactRequested:
    customer_id: str | None
    email: str | None


@dataclass(frozen=True)
class ShopRedactRequested:
    pass


@dataclass(frozen=True)
class AppUninstalled:
    pass


@dataclass(frozen=True)
class ShopFacts:
    """Who the store says it is; None where the store did not say (the stored value stays)."""

    name: str | None = None
    currency: str | None = None
    """ISO 4217 code of the store's currency."""
    locale: str | None = None
    """The store's primary language as a BCP 47 tag ("de", "de-AT")."""
    timezone: str | None = None
    """IANA time zone name."""
    contact_email: str | None = None


@dataclass(frozen=True)
class ShopUpdated:
    """The merchant changed the store's name, currency, language or the like."""

    facts: ShopFacts


@dataclass(frozen=True)
class ScopesUpdated:
    scopes: tuple[str, ...] = field(default_factory=tuple)


Event = (
    OrderChanged
    | RefundCreated
    | OrderDeleted
    | CustomerCreated
    | MarketingConsentChanged
    | CustomerDataRequested
    | CustomerRedactRequested
    | ShopRedactRequested
    | AppUninstalled
    | ScopesUpdated
    | ShopUpdated
)
