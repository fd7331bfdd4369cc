"""Reading Shopify's REST-shaped webhook bodies into platform-neutral core values.

Bodies are parsed with `parse_float=Decimal`: money is mostly strings, but refunds/create sends
`refund_line_items[].subtotal` as a JSON number, and a float must never touch an amount. Ids are
int64 and often above 2^53; Python's json reads integers exactly, and we keep them as strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from passiton.core.digits import ascii_digits
from passiton.core.events import MarketingConsent, OrderState, RefundSeen
from passiton.core.identity import address_key
from passiton.core.json_documents import load_json
from passiton.core.ports import MalformedPayload

REF_ATTRIBUTE = "passiton_ref"
"""Cart attribute (order `note_attributes`) in which the storefront carries a referral code."""

CENT = Decimal("0.01")
# `refunded` and `partially_refunded` orders were paid first; refunds are counted separately.
PAID_STATUSES = frozenset({"paid", "partially_refunded", "refunded"})


def load_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, numbers with fractions as Decimal."""
    try:
        data = load_json(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedPayload("the body is not JSON") from error
    if not isinstance(data, dict):
        raise MalformedPayload("the body is not a JSON object")
    return data


def platform_id(value: Any, name: str) -> str:
    """A Shopify id (int64, or its decimal string) as a string."""
    if isinstance(value, bool):
        raise MalformedPayload(f"{name} is not an id")
    if isinstance(value, int) and value > 0:
        return str(value)
    if isinstance(value, str) and ascii_digits(value) and len(value) <= 20:
        return value
    raise MalformedPayload(f"{name} is not an id")


def optional_id(value: Any, name: str) -> str | None:
    return None if value is None else platform_id(value, name)


def money(value: Any, name: str) -> Decimal:
    """A money field (string, or a Decimal parsed from a JSON number) as Decimal."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise MalformedPayload(f"{name} is not an amount")
    try:
        amount = Decimal(value)
    except InvalidOperation as error:
        raise MalformedPayload(f"{name} is not an amount") from error
    if not amount.is_finite():
        raise MalformedPayload(f"{name} is not an amount")
    return amount


def timestamp(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise MalformedPayload(f"{name} is not a timestamp")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise MalformedPayload(f"{name} is not a timestamp") from error
    if moment.tzinfo is None:
        raise MalformedPayload(f"{name} has no UTC offset")
    return moment


def text(value: Any) -> str | None:
    """A non-empty string, or None (Shopify sends "" and null alike for missing values)."""
    return value.strip() or None if isinstance(value, str) else None


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def refund_seen(refund: Mapping[str, Any]) -> RefundSeen:
    """A refund and the money it moved, in the shop's currency whenever the body allows.

    Refund transactions (`kind == "refund"`, `status == "success"`) are the money that moved,
    but in the *transaction's* (presentment) currency, and they carry no `*_set`. The parts of
    the refund do: `refund_line_items[].subtotal_set`/`total_tax_set`,
    `refund_shipping_lines[].subtotal_amount_set`/`tax_amount_set` and `order_adjustments[]
    .amount_set`/`tax_amount_set`, each with `shop_money` and `presentment_money`. When the two
    currencies differ, the transactions are converted at the rate those parts imply (their shop
    total over their presentment total), so the refund stays what actually moved. With no parts
    to take a rate from, the amount keeps the presentment currency and the core does not
    credit from it automatically.
    """
    refund_id = platform_id(refund.get("id"), "refund id")
    moved = sum(
        (
            refunded_amount(t.get("amount"), "refund transaction amount")
            for t in items(refund.get("transactions"))
            if t.get("kind") == "refund" and t.get("status") == "success"
        ),
        Decimal(0),
    )
    parts = _refund_parts(refund)
    if parts.shop_currency is None:
        # No `*_set` at all: only the transactions' own currency, when they name it.
        currencies = {text(t.get("currency")) for t in items(refund.get("transactions"))}
        named = [c for c in currencies if c]
        return RefundSeen(refund_id, moved, named[0] if len(named) == 1 else None)
    presentment = parts.presentment_currency or parts.shop_currency
    if moved == 0 or presentment == parts.shop_currency:
        return RefundSeen(refund_id, moved, parts.shop_currency)
    if parts.presentment == 0:
        return RefundSeen(refund_id, moved, presentment)
    in_shop_money = (moved * parts.shop / parts.presentment).quantize(CENT, ROUND_HALF_EVEN)
    return RefundSeen(refund_id, in_shop_money, parts.shop_currency)


@dataclass(frozen=True)
class _RefundParts:
    shop: Decimal
    presentment: Decimal
    shop_currency: str | None
    presentment_currency: str | None


def _refund_parts(refund: Mapping[str, Any]) -> _RefundParts:
    """The refund's line items, tax, shipping and adjustments, summed in both currencies."""
    added: list[Any] = []
    for line in items(refund.get("refund_line_items")):
        added += [line.get("subtotal_set"), line.get("total_tax_set")]
    for line in items(refund.get("refund_shipping_lines")):
        added += [line.get("subtotal_amount_set"), line.get("tax_amount_set")]
    # Adjustments are signed from the order's side (a shipping refund is negative): they are
    # subtracted. Only their ratio matters here, and both currencies get the same treatment.
    taken: list[Any] = []
    for adjustment in items(refund.get("order_adjustments")):
        taken += [adjustment.get("amount_set"), adjustment.get("tax_amount_set")]
    shop = presentment = Decimal(0)
    currencies: dict[str, set[str]] = {"shop_money": set(), "presentment_money": set()}
    for sign, sets in ((1, added), (-1, taken)):
        for money_set in sets:
            for side in currencies:
                part = mapping(mapping(money_set).get(side))
                if "amount" not in part:
                    continue
                amount = sign * money(part.get("amount"), f"refund {side}")
                if side == "shop_money":
                    shop += amount
                else:
                    presentment += amount
                if code := text(part.get("currency_code")):
                    currencies[side].add(code)
    if len(currencies["shop_money"]) > 1 or len(currencies["presentment_money"]) > 1:
        raise MalformedPayload("a refund mixes currencies on one side")
    return _RefundParts(
        shop,
        presentment,
        next(iter(currencies["shop_money"]), None),
        next(iter(currencies["presentment_money"]), None),
    )


def refunded_amount(value: Any, name: str) -> Decimal:
    """A refund transaction's amount, which Shopify states as positive money given back.

    A negative amount is not something Shopify sends; it is refused rather than read as its
    absolute value, which would let a malformed body claw back a reward.
    """
    amount = money(value, name)
    if amount < 0:
        raise MalformedPayload(f"{name} is negative; Shopify states refunds as positive")
    return amount


def order_state(order: Mapping[str, Any]) -> OrderState:
    """The order's current state from an orders/* webhook body (REST shape)."""
    customer = mapping(order.get("customer"))
    shipping = mapping(order.get("shipping_address"))
    status = text(order.get("financial_status"))
    return OrderState(
        order_id=platform_id(order.get("id"), "order id"),
        updated_at=timestamp(order.get("updated_at"), "updated_at"),
        customer_id=optional_id(customer.get("id"), "customer id"),
        email=text(order.get("email"))
        or text(order.get("contact_email"))
        or text(customer.get("email")),
        first_name=text(customer.get("first_name")) or text(shipping.get("first_name")),
        currency=text(order.get("currency")) or "USD",
        total=money(order.get("total_price"), "total_price"),
        subtotal=money(order.get("subtotal_price"), "subtotal_price"),
        paid=status in PAID_STATUSES,
        # A voided order never captured money: for the program it is as good as cancelled.
        cancelled=order.get("cancelled_at") is not None or status == "voided",
        codes=tuple(
            code for d in items(order.get("discount_codes")) if (code := text(d.get("code")))
        ),
        ref_code=_ref_attribute(order.get("note_attributes")),
        refunds=tuple(refund_seen(r) for r in items(order.get("refunds"))),
        shipping_key=address_key(
            text(shipping.get("address1")),
            text(shipping.get("zip")),
            text(shipping.get("country_code")),
        ),
        phone=text(order.get("phone"))
        or text(shipping.get("phone"))
        or text(customer.get("phone")),
        test=order.get("test") is True,
        locale=text(order.get("customer_locale")),
        marketing=_checkout_consent(order),
    )


def _checkout_consent(order: Mapping[str, Any]) -> MarketingConsent | None:
    # Since 2025-01 the order's customer no longer carries `email_marketing_consent`;
    # `buyer_accepts_marketing` (the checkout's box) still comes on every orders/* body. Its
    # time is when the order was placed, never `updated_at`: an order edited after the buyer
    # unsubscribed must not look like a newer opt-in.
    accepts = order.get("buyer_accepts_marketing")
    if not isinstance(accepts, bool):
        return None
    return MarketingConsent(accepts, optional_timestamp(order.get("created_at")))


def optional_timestamp(value: Any) -> datetime | None:
    """A timestamp when the body has a usable one; None when it is missing or unreadable."""
    try:
        return timestamp(value, "timestamp")
    except MalformedPayload:
        return None


def _ref_attribute(attributes: Any) -> str | None:
    for attribute in items(attributes):
        if attribute.get("name") == REF_ATTRIBUTE:
            return text(attribute.get("value"))
    return None
