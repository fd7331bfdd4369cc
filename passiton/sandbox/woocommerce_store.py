"""A sandbox WooCommerce store's data: coupons, orders and webhooks, as the REST API shows them.

WooCommerce facts kept here: coupon codes are stored lower-case and are unique whatever the
case; money goes as strings; `date_*_gmt` are UTC without an offset; a refund is a negative
entry in `refunds[]` and only a full refund changes the order's status.
"""

from __future__ import annotations

import itertools
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

ALREADY_EXISTS = "woocommerce_rest_coupon_code_already_exists"
WEBHOOK_EDITABLE = ("name", "status", "secret", "delivery_url")
STORE_CURRENCY = "EUR"
"""The store's currency (`WooIdentity.currency`), which its orders are placed in: no
multi-currency plugin here."""
COUPON_SETTERS = frozenset(
    {
        "code",
        "amount",
        "discount_type",
        "description",
        "date_expires",
        "individual_use",
        "product_ids",
        "excluded_product_ids",
        "usage_limit",
        "usage_limit_per_user",
        "limit_usage_to_x_items",
        "free_shipping",
        "product_categories",
        "excluded_product_categories",
        "exclude_sale_items",
        "minimum_amount",
        "maximum_amount",
        "email_restrictions",
    }
)
"""The writable coupon fields WooCommerce applies: those `WC_Coupon` has a `set_<field>()` for.

`WC_REST_Coupons_V2_Controller::prepare_object_for_database`
(`includes/rest-api/Controllers/Version2/class-wc-rest-coupons-v2-controller.php`) calls
`set_{$key}` only when it is callable on `WC_Coupon` (`includes/class-wc-coupon.php`); anything
else, `date_expires_gmt` included (the schema lists it as writable, there is no setter), is
dropped without an error and the request still answers 201/200. Read-only fields (`id`,
`usage_count`, `used_by`, dates created/modified) are never applied either.
"""
ISO_WITH_OFFSET = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|[-+]\d{2}:\d{2})$"
)


class CouponRefused(Exception):
    """A coupon WooCommerce refuses: its REST error code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class WooBuyer:
    """Who places an order (customer_id 0 for a guest)."""

    customer_id: int
    email: str
    first_name: str
    address_1: str
    postcode: str
    phone: str
    country: str = "DE"


@dataclass
class WooOrder:
    order_id: int
    buyer: WooBuyer
    total: Decimal
    codes: tuple[str, ...]
    modified: datetime
    status: str = "processing"
    refunds: list[tuple[int, Decimal]] = field(default_factory=list)
    created: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.created = self.modified


def gmt(moment: datetime) -> str:
    """WooCommerce's `*_gmt` format."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def wc_date(value: object) -> datetime | None:
    """A date as `WC_Data::set_date_prop` reads it (`includes/abstracts/abstract-wc-data.php`).

    Empty means none; a number is a UTC timestamp; an ISO 8601 date-time with `Z` or `±HH:MM`
    is read in that offset; any other string in the site's timezone, UTC in the sandbox.
    Raises ValueError for what it cannot read (WooCommerce swallows that and keeps the old date).
    """
    if value is None or value in ("", 0, "0000-00-00 00:00:00"):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    text = str(value).strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    if ISO_WITH_OFFSET.match(text):
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class WooStoreData:
    """Coupons, orders and webhooks of one store."""

    def __init__(self) -> None:
        self.coupons: dict[int, dict[str, Any]] = {}
        self.orders: dict[int, WooOrder] = {}
        self.webhooks: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(101)

    def coupon_by_code(self, code: str) -> dict[str, Any] | None:
        """The coupon with that code, whatever its case."""
        wanted = code.strip().lower()
        return next((c for c in self.coupons.values() if c["code"] == wanted), None)

    def create_coupon(self, item: dict[str, Any]) -> dict[str, Any]:
        """POST /coupons (or one batch item); raises CouponRefused like the REST API."""
        code = str(item.get("code") or "").strip().lower()
        if not code:
            message = "The coupon code cannot be empty."
            raise CouponRefused("woocommerce_rest_empty_coupon_code", message)
        if self.coupon_by_code(code) is not None:
            raise CouponRefused(ALREADY_EXISTS, "The coupon code already exists")
        amount = item.get("amount", "0")
        if not isinstance(amount, str):
            # WooCommerce's schema types `amount` as a string and rejects a JSON number.
            raise CouponRefused("rest_invalid_param", "Invalid parameter(s): amount")
        coupon: dict[str, Any] = {
            "id": next(self._ids),
            "code": code,
            "amount": amount,
            "date_expires": None,
            "date_expires_gmt": None,
            "usage_count": 0,
            "usage_limit": None,
        }
        self._apply(coupon, item)
        self.coupons[coupon["id"]] = coupon
        return coupon

    def update_coupon(self, item: dict[str, Any]) -> dict[str, Any]:
        """PUT /coupons/<id> (or one batch update item)."""
        coupon = self.coupons.get(int(item.get("id") or 0))
        if coupon is None:
            raise CouponRefused("woocommerce_rest_shop_coupon_invalid_id", "Invalid ID.")
        self._apply(coupon, {k: v for k, v in item.items() if k != "code"})
        return coupon

    @staticmethod
    def _apply(coupon: dict[str, Any], item: dict[str, Any]) -> None:
        """Set what WooCommerce would set (see COUPON_SETTERS); drop the rest silently."""
        for key, value in item.items():
            if key not in COUPON_SETTERS or key == "code" or value is None:
                continue
            if key == "date_expires":
                try:
                    expires = wc_date(value)
                except ValueError:
                    continue  # `set_date_prop` catches the exception: the old date stays
                # The site's timezone is UTC, so the local date equals the `_gmt` one.
                coupon["date_expires"] = coupon["date_expires_gmt"] = (
                    None if expires is None else gmt(expires)
                )
            else:
                coupon[key] = value

    def place_order(
        self, buyer: WooBuyer, total: Decimal, codes: tuple[str, ...], now: datetime
    ) -> WooOrder:
        """A paid order (status processing); the checkout applies each coupon's rules."""
        coupons = [self._usable_coupon(code, buyer, now) for code in codes]
        for coupon in coupons:
            coupon["usage_count"] += 1
        order = WooOrder(next(self._ids), buyer, total, tuple(c.lower() for c in codes), now)
        self.orders[order.order_id] = order
        return order

    def _usable_coupon(self, code: str, buyer: WooBuyer, now: datetime) -> dict[str, Any]:
        """The coupon, or ValueError: the checkout refuses it (unknown, expired, used, not hers)."""
        coupon = self.coupon_by_code(code)
        if coupon is None:
            raise ValueError(f"the checkout refuses coupon {code}: it does not exist")
        expires = coupon.get("date_expires_gmt")
        if expires and str(expires) < gmt(now):
            raise ValueError(f"the checkout refuses coupon {code}: it has expired")
        limit = coupon.get("usage_limit")
        if limit and coupon["usage_count"] >= int(limit):
            raise ValueError(f"the checkout refuses coupon {code}: its usage limit is reached")
        allowed = [str(e).lower() for e in coupon.get("email_restrictions") or []]
        if allowed and buyer.email.lower() not in allowed:
            raise ValueError(f"the checkout refuses coupon {code}: it is not for {buyer.email}")
        return coupon

    def refund(self, order_id: int, amount: Decimal, now: datetime) -> None:
        """A refund; the whole total back makes the order `refunded`."""
        order = self.orders[order_id]
        order.refunds.append((next(self._ids), amount))
        if sum(a for _, a in order.refunds) >= order.total:
            order.status = "refunded"
        order.modified = now

    def create_webhook(self, body: dict[str, Any], now: datetime) -> dict[str, Any]:
        """POST /webhooks: always active (`status` is ignored), pinged before it delivers."""
        hook_id = max(self.webhooks, default=0) + 1
        self.webhooks[hook_id] = {
            "id": hook_id,
            "name": str(body.get("name") or f"Webhook created on {gmt(now)}"),
            "topic": str(body["topic"]),
            "delivery_url": str(body["delivery_url"]),
            # Without a secret WooCommerce makes one up; it can never be read back.
            "secret": str(body.get("secret") or secrets.token_urlsafe(36)),
            "status": "active",
            "pending_delivery": True,
            "failure_count": 0,
        }
        return self.webhooks[hook_id]

    def update_webhook(self, hook: dict[str, Any], body: dict[str, Any]) -> None:
        """PUT /webhooks/<id>: a new delivery URL has to be pinged again.

        Re-activating keeps `failure_count` (6 after WooCommerce disabled it, seen on a real
        store): `WC_Webhook::set_status()` (`includes/class-wc-webhook.php`) does not touch it,
        so one more failed delivery disables the webhook again.
        """
        if body.get("delivery_url") and body["delivery_url"] != hook["delivery_url"]:
            hook["pending_delivery"] = True
        hook.update({k: v for k, v in body.items() if k in WEBHOOK_EDITABLE})


def order_body(order: WooOrder) -> dict[str, Any]:
    """GET /orders/<id>, which is also the webhook body."""
    buyer = order.buyer
    # The store's timezone is UTC, so the local dates equal the `_gmt` ones.
    return {
        "id": order.order_id,
        "parent_id": 0,
        "number": str(order.order_id),
        "created_via": "checkout",
        "status": order.status,
        "currency": STORE_CURRENCY,
        "date_created": gmt(order.created),
        "date_created_gmt": gmt(order.created),
        "date_modified": gmt(order.modified),
        "date_modified_gmt": gmt(order.modified),
        "date_paid": gmt(order.created),
        "date_paid_gmt": gmt(order.created),
        "total": f"{order.total:.2f}",
        "customer_id": buyer.customer_id,
        "billing": {
            "first_name": buyer.first_name,
            "email": buyer.email,
            "phone": buyer.phone,
            "address_1": buyer.address_1,
            "postcode": buyer.postcode,
            "country": buyer.country,
        },
        "shipping": {
            "first_name": buyer.first_name,
            "address_1": buyer.address_1,
            "postcode": buyer.postcode,
            "country": buyer.country,
        },
        "line_items": [
            {
                "id": 1,
                "name": "Ring",
                "quantity": 1,
                "subtotal": f"{order.total:.2f}",
                "total": f"{order.total:.2f}",
                "price": float(order.total),  # a JSON number, unlike the money strings
            }
        ],
        "coupon_lines": [{"id": 1, "code": c, "discount": "0.00"} for c in order.codes],
        "meta_data": [],
        "refunds": [
            {"id": rid, "reason": "", "total": f"-{amount:.2f}"} for rid, amount in order.refunds
        ],
    }
