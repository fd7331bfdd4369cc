"""The Shopify side of the sandbox: OAuth, and the Admin GraphQL endpoint Passiton calls.

GraphQL calls are dispatched on their root field (the first field of the document), answered
from in-memory shops, and charged to a leaky bucket like Shopify's cost-based rate limit.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from passiton.sandbox.clock import SandboxClock
from passiton.sandbox.shopify_discounts import ShopifyDiscounts
from passiton.sandbox.shopify_metafields import CustomerMetafields
from passiton.sandbox.shopify_oauth import SCOPES, ShopifyApp, TokenAuthority
from passiton.sandbox.shopify_orders import Buyer, ShopifyOrder, order_node

ORDERS_PAGE = 50
FIRST_ORDER_ID = 9_007_199_254_741_001
"""Shopify's ids exceed 2**53; the sandbox's do too, so float parsing would show."""
ROOT_FIELD = re.compile(r"\{\s*(\w+)")
SINCE = re.compile(r"updated_at:>='([^']+)'")
ORDER_GID = re.compile(r"^gid://shopify/Order/([0-9]{1,20})$")
# Requested cost per root field (Shopify's estimate grows with `first` of every connection).
COSTS = {"orders": 52, "codeDiscountNode": 27, "webhookSubscriptions": 12}
MUTATION_COST = 10


@dataclass
class Bucket:
    """Shopify's leaky bucket: queries spend points, points flow back at `restore_rate`/s."""

    maximum: float = 2000.0
    restore_rate: float = 100.0
    available: float = 2000.0
    last: float = 0.0

    def take(self, cost: float, now: float) -> bool:
        """Spend `cost` if the bucket holds it; False (and nothing spent) when throttled."""
        self.available = min(self.maximum, self.available + (now - self.last) * self.restore_rate)
        self.last = now
        if cost > self.available:
            return False
        self.available -= cost
        return True

    def status(self) -> dict[str, float]:
        return {
            "maximumAvailable": self.maximum,
            "currentlyAvailable": round(self.available, 1),
            "restoreRate": self.restore_rate,
        }


@dataclass
class ShopifyShop:
    """One sandbox shop: discounts, orders, webhook subscriptions, its bucket and call log."""

    domain: str
    name: str = "Atelier Anna"
    currency: str = "EUR"
    locales: tuple[str, ...] = ("de", "en")
    """Published languages, the primary first (Shopify's `shopLocales`)."""
    timezone: str = "Europe/Berlin"
    contact_email: str = "hallo@atelier-anna.example"
    discounts: ShopifyDiscounts = field(default_factory=ShopifyDiscounts)
    orders: dict[int, ShopifyOrder] = field(default_factory=dict)
    webhooks: list[tuple[str, str]] = field(default_factory=list)
    bucket: Bucket = field(default_factory=Bucket)
    calls: Counter[str] = field(default_factory=Counter)
    customers: CustomerMetafields = field(
        default_factory=lambda: CustomerMetafields(scopes=set(SCOPES.split(",")))
    )
    """Customer records (made by their first order) with their metafields and the scopes the
    app was granted (the merchant may have installed before write_customers was asked for)."""


class ShopifyAdmin:
    """Every sandbox Shopify shop, the app's token authority, and the GraphQL resolvers."""

    def __init__(self, app: ShopifyApp, clock: SandboxClock, bucket: Bucket | None = None) -> None:
        self.clock = clock
        self.tokens = TokenAuthority(app, clock)
        self._shops: dict[str, ShopifyShop] = {}
        self._bucket = bucket
        self._ids = itertools.count(FIRST_ORDER_ID)
        self.lock = threading.RLock()

    def shop(self, domain: str) -> ShopifyShop:
        """The shop with that domain (made on first use, like a fresh development store)."""
        with self.lock:
            if domain not in self._shops:
                bucket = Bucket(**vars(self._bucket)) if self._bucket else Bucket()
                self._shops[domain] = ShopifyShop(domain, bucket=bucket)
            return self._shops[domain]

    def domains(self) -> list[str]:
        """Shops that exist on the sandbox."""
        with self.lock:
            return sorted(self._shops)

    def place_order(
        self, domain: str, buyer: Buyer, subtotal: Decimal, codes: tuple[str, ...] = ()
    ) -> ShopifyOrder:
        """A buyer checks out and pays; codes must exist and be active on the shop."""
        shop = self.shop(domain)
        with self.lock:
            for code in codes:
                discount = shop.discounts.discount_for_code(code)
                if discount is None or not discount.active:
                    raise ValueError(f"the checkout refuses code {code}")
            order = ShopifyOrder(next(self._ids), buyer, subtotal, codes, self.clock.now())
            shop.orders[order.order_id] = order
            shop.customers.customers.add(buyer.customer_id)
            return order

    def refund(self, domain: str, order_id: int, amount: Decimal) -> int:
        """The merchant refunds `amount` of an order; returns the refund's id."""
        with self.lock:
            refund_id = next(self._ids)
            self.shop(domain).orders[order_id].refund(refund_id, amount, self.clock.now())
            return refund_id

    def graphql(self, domain: str, body: dict[str, Any]) -> dict[str, Any]:
        """One Admin GraphQL call, already authenticated: data or errors, with its cost."""
        document = str(body.get("query") or "")
        variables = body.get("variables") or {}
        found = ROOT_FIELD.search(document)
        root = found.group(1) if found else ""
        cost = MUTATION_COST if document.lstrip().startswith("mutation") else COSTS.get(root, 2)
        with self.lock:
            shop = self.shop(domain)
            shop.calls[root] += 1
            allowed = shop.bucket.take(cost, self.clock.seconds())
            extensions = {
                "cost": {
                    "requestedQueryCost": cost,
                    "actualQueryCost": cost if allowed else None,
                    "throttleStatus": shop.bucket.status(),
                }
            }
            if not allowed:
                shop.calls["THROTTLED"] += 1
                error = {"message": "Throttled", "extensions": {"code": "THROTTLED"}}
                return {"errors": [error], "extensions": extensions}
            if root == "metafieldsSet" and "write_customers" not in shop.customers.scopes:
                message = (
                    "Access denied for metafieldsSet field. "
                    "Required access: `write_customers` access scope."
                )
                error = {"message": message, "extensions": {"code": "ACCESS_DENIED"}}
                return {
                    "data": {"metafieldsSet": None},
                    "errors": [error],
                    "extensions": extensions,
                }
            resolver = self._resolvers(shop).get(root)
            if resolver is None or not isinstance(variables, dict):
                message = f"Field '{root}' doesn't exist on type 'QueryRoot'"
                error = {"message": message, "extensions": {"code": "undefinedField"}}
                return {"errors": [error], "extensions": extensions}
            return {"data": resolver(variables), "extensions": extensions}

    def _resolvers(self, shop: ShopifyShop) -> dict[str, Any]:
        discounts = shop.discounts
        return {
            "discountCodeBasicCreate": discounts.create,
            "codeDiscountNodeByCode": discounts.by_code,
            "discountRedeemCodeBulkAdd": discounts.bulk_add,
            "discountRedeemCodeBulkCreation": discounts.bulk_creation,
            "discountCodeDeactivate": discounts.deactivate,
            "codeDiscountNode": discounts.offer_codes,
            "discountCodeRedeemCodeBulkDelete": discounts.bulk_delete,
            "webhookSubscriptions": lambda v: _webhooks(shop, v),
            "webhookSubscriptionCreate": lambda v: _webhook_create(shop, v),
            "orders": lambda v: _orders(shop, v),
            "order": lambda v: _order(shop, v),
            "shop": lambda v: _shop(shop),
            "shopLocales": lambda v: _shop_locales(shop),
            "metafieldsSet": shop.customers.metafields_set,
        }


def _shop(shop: ShopifyShop) -> dict[str, Any]:
    """`shop { name currencyCode ianaTimezone contactEmail primaryDomain { host } }`."""
    return {
        "shop": {
            "name": shop.name,
            "currencyCode": shop.currency,
            "ianaTimezone": shop.timezone,
            "contactEmail": shop.contact_email,
            "primaryDomain": {"host": shop.domain},
        }
    }


def _shop_locales(shop: ShopifyShop) -> dict[str, Any]:
    """`shopLocales(published: true) { locale primary }`: Shopify marks exactly one primary."""
    nodes = [{"locale": tag, "primary": i == 0} for i, tag in enumerate(shop.locales)]
    return {"shopLocales": nodes}


def _webhooks(shop: ShopifyShop, variables: dict[str, Any]) -> dict[str, Any]:
    uri = variables.get("uri")
    nodes = [{"topic": t} for t, u in shop.webhooks if uri is None or u == uri]
    return {"webhookSubscriptions": {"nodes": nodes}}


def _webhook_create(shop: ShopifyShop, variables: dict[str, Any]) -> dict[str, Any]:
    wanted = (str(variables.get("topic")), str(variables.get("uri")))
    if wanted in shop.webhooks:
        message = "Address for this topic has already been taken"
        error = {"field": ["webhookSubscription", "callbackUrl"], "message": message}
        return {"webhookSubscriptionCreate": {"webhookSubscription": None, "userErrors": [error]}}
    shop.webhooks.append(wanted)
    subscription = {"id": f"gid://shopify/WebhookSubscription/{len(shop.webhooks)}"}
    return {"webhookSubscriptionCreate": {"webhookSubscription": subscription, "userErrors": []}}


def _order(shop: ShopifyShop, variables: dict[str, Any]) -> dict[str, Any]:
    """`order(id: "gid://shopify/Order/<n>")`: null for an id this shop has no order for."""
    found = ORDER_GID.match(str(variables.get("id") or ""))
    order = shop.orders.get(int(found.group(1))) if found else None
    return {"order": order_node(order) if order is not None else None}


def _orders(shop: ShopifyShop, variables: dict[str, Any]) -> dict[str, Any]:
    """`orders(first: 50, after, sortKey: UPDATED_AT, query: "updated_at:>='…'")`."""
    found = SINCE.search(str(variables.get("query") or ""))
    since = datetime.fromisoformat(found.group(1).replace("Z", "+00:00")) if found else None
    matching = sorted(
        (o for o in shop.orders.values() if since is None or o.updated_at >= since),
        key=lambda o: (o.updated_at, o.order_id),
    )
    after = variables.get("after")
    start = int(after) if isinstance(after, str) and after.isdigit() else 0
    page = matching[start : start + ORDERS_PAGE]
    end = start + len(page)
    return {
        "orders": {
            "nodes": [order_node(o) for o in page],
            "pageInfo": {"hasNextPage": end < len(matching), "endCursor": str(end)},
        }
    }
