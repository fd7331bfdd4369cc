"""WooCommerce order JSON (REST v3 shape, also the webhook body) → the core's OrderState."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from passiton.core.digits import ascii_digits
from passiton.core.events import MarketingConsent, OrderState, RefundSeen
from passiton.core.identity import address_key
from passiton.core.ports import MalformedPayload

REF_META_KEY = "_passiton_ref"
"""Order meta the companion plugin writes from the `?ref=CODE` cookie."""
LOCALE_META_KEY = "_passiton_locale"
"""Order meta the companion plugin writes at checkout: WordPress's locale ("de_DE")."""
MARKETING_META_KEY = "_passiton_accepts_marketing"
"""Order meta the companion plugin writes from its opt-in checkbox: "yes" or "no"."""
PAID_STATUSES = frozenset({"processing", "completed", "refunded"})
# A refunded order counts as cancelled: its refunds[] normally cover the total already, and
# treating the status itself as "nothing kept" also covers a status set without refund rows.
VOID_STATUSES = frozenset({"cancelled", "failed", "refunded", "trash"})


def order_state(order: Mapping[str, Any]) -> OrderState:
    """The order's current state; raises MalformedPayload when a required field is unusable."""
    billing = _mapping(order.get("billing"))
    shipping = _mapping(order.get("shipping"))
    status = str(order.get("status") or "")
    return OrderState(
        order_id=platform_id(order.get("id"), "id"),
        updated_at=gmt_datetime(order.get("date_modified_gmt") or order.get("date_created_gmt")),
        customer_id=_customer_id(order.get("customer_id")),
        email=_text(billing.get("email")),
        first_name=_text(billing.get("first_name")),
        currency=str(order.get("currency") or "USD")[:3].upper(),
        total=money(order.get("total"), "total"),
        subtotal=_subtotal(order),
        paid=bool(order.get("date_paid_gmt") or order.get("date_paid")) or status in PAID_STATUSES,
        cancelled=status in VOID_STATUSES,
        codes=tuple(
            str(line["code"]).lower()
            for line in _list(order.get("coupon_lines"))
            if isinstance(line, Mapping) and line.get("code")
        ),
        ref_code=_ref_code(order.get("meta_data")),
        refunds=tuple(_refund(r) for r in _list(order.get("refunds"))),
        shipping_key=address_key(
            shipping.get("address_1"), shipping.get("postcode"), shipping.get("country")
        ),
        phone=_text(billing.get("phone")),
        locale=_meta_text(order.get("meta_data"), LOCALE_META_KEY),
        marketing=_checkout_consent(order),
    )


def _checkout_consent(order: Mapping[str, Any]) -> MarketingConsent | None:
    # WooCommerce has no marketing flag of its own: only the plugin's box says anything, and
    # an order placed without the plugin (or before it had the box) says nothing. The time is
    # the order's creation, never its last modification: a status change after the buyer
    # withdrew must not look like a newer opt-in.
    box = _meta_text(order.get("meta_data"), MARKETING_META_KEY)
    if box not in ("yes", "no"):
        return None
    try:
        placed: datetime | None = gmt_datetime(order.get("date_created_gmt"))
    except MalformedPayload:
        placed = None
    return MarketingConsent(box == "yes", placed)


def platform_id(raw: object, name: str) -> str:
    """Ids are positive integers on WooCommerce; kept as strings in the core."""
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not ascii_digits(str(raw)):
        raise MalformedPayload(f"'{name}' is not an id")
    if int(raw) <= 0:
        raise MalformedPayload(f"'{name}' is not an id")
    return str(int(raw))


def gmt_datetime(raw: object) -> datetime:
    """`date_*_gmt` values are UTC without an offset, e.g. `2026-11-22T18:56:19`."""
    if not isinstance(raw, str):
        raise MalformedPayload("the order has no modification date")
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError as error:
        raise MalformedPayload("the order's modification date is not a date") from error
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def money(raw: object, name: str) -> Decimal:
    """Money comes as strings ("90.00"); a few fields are JSON numbers. Never through float."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise MalformedPayload(f"'{name}' is not an amount")
    try:
        value = Decimal(str(raw))
    except InvalidOperation as error:
        raise MalformedPayload(f"'{name}' is not an amount") from error
    if not value.is_finite():
        raise MalformedPayload(f"'{name}' is not an amount")
    return value


def _subtotal(order: Mapping[str, Any]) -> Decimal:
    # What the friend paid for goods: line totals after discounts, before tax and shipping.
    lines = [line for line in _list(order.get("line_items")) if isinstance(line, Mapping)]
    if not lines:
        return money(order.get("total"), "total")
    return sum((money(line.get("total"), "line_items.total") for line in lines), Decimal(0))


def _refund(raw: object) -> RefundSeen:
    if not isinstance(raw, Mapping):
        raise MalformedPayload("a refund is not an object")
    # Refund totals are negative in order bodies ("-5.00"); the core wants amounts refunded.
    # A positive total is not something WooCommerce writes: taking its absolute value would
    # let a malformed body claw back a reward, so it is refused instead.
    total = money(raw.get("total"), "refunds.total")
    if total > 0:
        raise MalformedPayload("'refunds.total' is positive; WooCommerce writes refunds negative")
    return RefundSeen(refund_id=platform_id(raw.get("id"), "refunds.id"), amount=-total)


def _ref_code(meta: object) -> str | None:
    value = _meta_text(meta, REF_META_KEY)
    return value[:64] if value else None


def _meta_text(meta: object, key: str) -> str | None:
    for entry in _list(meta):
        if isinstance(entry, Mapping) and entry.get("key") == key:
            value = entry.get("value")
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def _customer_id(raw: object) -> str | None:
    # 0 is WooCommerce's guest customer.
    if raw in (None, 0, "0", ""):
        return None
    return platform_id(raw, "customer_id")


def _text(raw: object) -> str | None:
    return raw.strip() if isinstance(raw, str) and raw.strip() else None


def _mapping(raw: object) -> Mapping[str, Any]:
    return raw if isinstance(raw, Mapping) else {}


def _list(raw: object) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise MalformedPayload("expected a list in the order")
    return raw
