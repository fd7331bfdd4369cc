"""Reading GraphQL `Order` nodes (reconciliation pulls) into the same OrderState as webhooks."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from passiton.connectors.shopify.payloads import (
    REF_ATTRIBUTE,
    items,
    mapping,
    money,
    optional_id,
    platform_id,
    refunded_amount,
    text,
    timestamp,
)
from passiton.core.events import OrderState, RefundSeen
from passiton.core.identity import address_key

# GraphQL names the financial status in upper case; same meaning as the REST webhook field.
PAID_STATUSES = frozenset({"PAID", "PARTIALLY_REFUNDED", "REFUNDED"})


def _shop_money(value: Any, name: str) -> Decimal:
    return money(mapping(mapping(value).get("shopMoney")).get("amount"), name)


def _refund(node: Mapping[str, Any]) -> RefundSeen:
    transactions = items(mapping(node.get("transactions")).get("nodes"))
    amount = sum(
        (
            refunded_amount(
                mapping(mapping(t.get("amountSet")).get("shopMoney")).get("amount"),
                "refund amount",
            )
            for t in transactions
            if t.get("kind") == "REFUND" and t.get("status") == "SUCCESS"
        ),
        Decimal(0),
    )
    return RefundSeen(platform_id(node.get("legacyResourceId"), "refund id"), amount)


def order_from_node(node: Mapping[str, Any]) -> OrderState:
    """An order pulled by reconciliation, in the shape its webhooks produce."""
    customer = mapping(node.get("customer"))
    shipping = mapping(node.get("shippingAddress"))
    status = node.get("displayFinancialStatus")
    ref_code = next(
        (
            text(a.get("value"))
            for a in items(node.get("customAttributes"))
            if a.get("key") == REF_ATTRIBUTE
        ),
        None,
    )
    codes = node.get("discountCodes")
    return OrderState(
        order_id=platform_id(node.get("legacyResourceId"), "order id"),
        updated_at=timestamp(node.get("updatedAt"), "updatedAt"),
        customer_id=optional_id(customer.get("legacyResourceId"), "customer id"),
        email=text(node.get("email")) or text(mapping(customer.get("email")).get("emailAddress")),
        first_name=text(customer.get("firstName")) or text(shipping.get("firstName")),
        currency=text(node.get("currencyCode")) or "USD",
        total=_shop_money(node.get("totalPriceSet"), "total"),
        subtotal=_shop_money(node.get("subtotalPriceSet"), "subtotal"),
        paid=status in PAID_STATUSES,
        cancelled=node.get("cancelledAt") is not None or status == "VOIDED",
        codes=tuple(c for c in codes if isinstance(c, str) and c)
        if isinstance(codes, list)
        else (),
        ref_code=ref_code,
        refunds=tuple(_refund(r) for r in items(node.get("refunds"))),
        shipping_key=address_key(
            shipping.get("address1"), shipping.get("zip"), shipping.get("countryCodeV2")
        ),
        phone=text(node.get("phone")) or text(shipping.get("phone")),
        test=node.get("test") is True,
        locale=text(node.get("customerLocale")),
    )
