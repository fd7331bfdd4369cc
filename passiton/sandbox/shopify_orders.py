"""Orders on a sandbox Shopify shop, in both shapes Shopify shows them.

Webhook bodies use the REST field names (money as strings, ids as int64 above 2**53);
the Admin GraphQL `orders` query uses the GraphQL names. Both come from one record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Buyer:
    """Who places an order: a customer account with an address (fraud rules look at it)."""

    customer_id: int
    email: str
    first_name: str
    address1: str
    zip: str
    phone: str
    country_code: str = "DE"
    accepts_marketing: bool = True
    """Whether they tick the checkout's e-mail marketing box."""


@dataclass
class ShopifyOrder:
    """One order and what happened to it since."""

    order_id: int
    buyer: Buyer
    subtotal: Decimal
    codes: tuple[str, ...]
    updated_at: datetime
    financial_status: str = "paid"
    cancelled_at: datetime | None = None
    refunds: list[tuple[int, Decimal]] = field(default_factory=list)
    currency: str = "EUR"
    """The shop's currency (`currencyCode` of the sandbox shop); the buyer pays in it too."""
    created_at: datetime = field(init=False)

    def __post_init__(self) -> None:
        # Placed when first recorded; later changes move only `updated_at`, as on Shopify.
        self.created_at = self.updated_at

    @property
    def refunded(self) -> Decimal:
        return sum((amount for _, amount in self.refunds), Decimal(0))

    def refund(self, refund_id: int, amount: Decimal, now: datetime) -> None:
        """Record a refund; the whole subtotal back makes the order `refunded`."""
        self.refunds.append((refund_id, amount))
        self.financial_status = (
            "refunded" if self.refunded >= self.subtotal else "partially_refunded"
        )
        self.updated_at = now


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def order_webhook_body(order: ShopifyOrder) -> dict[str, Any]:
    """The order as `orders/*` webhooks carry it (REST names)."""
    buyer = order.buyer
    current = order.subtotal - order.refunded
    return {
        "id": order.order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order.order_id}",
        "email": buyer.email,
        "phone": buyer.phone,
        "currency": order.currency,
        "financial_status": order.financial_status,
        "cancelled_at": _stamp(order.cancelled_at) if order.cancelled_at else None,
        "created_at": _stamp(order.created_at),
        "updated_at": _stamp(order.updated_at),
        "buyer_accepts_marketing": buyer.accepts_marketing,
        "test": False,
        "subtotal_price": f"{order.subtotal:.2f}",
        "total_price": f"{order.subtotal:.2f}",
        "current_subtotal_price": f"{current:.2f}",
        "discount_codes": [
            {"code": c, "amount": "0.00", "type": "percentage"} for c in order.codes
        ],
        "note_attributes": [],
        "customer": {
            "id": buyer.customer_id,
            "email": buyer.email,
            "first_name": buyer.first_name,
            "phone": None,
        },
        "shipping_address": {
            "first_name": buyer.first_name,
            "address1": buyer.address1,
            "zip": buyer.zip,
            "country_code": buyer.country_code,
            "phone": buyer.phone,
        },
        "refunds": [refund_webhook_body(order, rid, amount) for rid, amount in order.refunds],
    }


def refund_webhook_body(order: ShopifyOrder, refund_id: int, amount: Decimal) -> dict[str, Any]:
    """A `refunds/create` body: the refund with its money-moving transaction."""
    return {
        "id": refund_id,
        "order_id": order.order_id,
        "refund_line_items": [],
        "transactions": [
            {
                "kind": "refund",
                "status": "success",
                "amount": f"{amount:.2f}",
                "currency": order.currency,
            }
        ],
    }


def order_node(order: ShopifyOrder) -> dict[str, Any]:
    """The order as the Admin GraphQL `orders` query answers (GraphQL names)."""
    buyer = order.buyer

    def money(amount: Decimal) -> dict[str, Any]:
        return {"shopMoney": {"amount": f"{amount:.2f}"}}

    return {
        "legacyResourceId": str(order.order_id),
        "updatedAt": _stamp(order.updated_at),
        "email": buyer.email,
        "phone": buyer.phone,
        "currencyCode": order.currency,
        "displayFinancialStatus": order.financial_status.upper(),
        "cancelledAt": _stamp(order.cancelled_at) if order.cancelled_at else None,
        "test": False,
        "discountCodes": list(order.codes),
        "customAttributes": [],
        "customer": {
            "legacyResourceId": str(buyer.customer_id),
            "firstName": buyer.first_name,
            "email": {"emailAddress": buyer.email},
        },
        "shippingAddress": {
            "firstName": buyer.first_name,
            "address1": buyer.address1,
            "zip": buyer.zip,
            "countryCodeV2": buyer.country_code,
            "phone": buyer.phone,
        },
        "subtotalPriceSet": money(order.subtotal),
        "totalPriceSet": money(order.subtotal),
        "refunds": [
            {
                "legacyResourceId": str(refund_id),
                "transactions": {
                    "nodes": [{"kind": "REFUND", "status": "SUCCESS", "amountSet": money(amount)}]
                },
            }
            for refund_id, amount in order.refunds
        ],
    }
