from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passiton.connectors.shopify.payloads import load_object, order_state, refund_seen
from passiton.core.ports import MalformedPayload
from tests.shopify.shopify_data import FIXTURES, fixture, paid_order


def test_official_voided_sample_is_cancelled_and_unpaid() -> None:
    state = order_state(load_object((FIXTURES / "orders_create.json").read_bytes()))

    assert state.order_id == "820982911946154508"
    assert state.customer_id == "115310627314723954"
    assert state.cancelled is True
    assert state.paid is False
    assert state.total == Decimal("404.95")
    assert state.subtotal == Decimal("404.95")
    assert state.test is True


def test_the_buyers_language_comes_from_customer_locale() -> None:
    state = order_state(load_object((FIXTURES / "orders_create.json").read_bytes()))
    german = order_state(
        load_object(json.dumps(paid_order() | {"customer_locale": "de-AT"}).encode())
    )

    assert state.locale == "en"
    assert german.locale == "de-AT"


@pytest.mark.parametrize("raw", [None, "", "  ", 7, ["de"]])
def test_an_unusable_customer_locale_leaves_the_language_unknown(raw: object) -> None:
    state = order_state(load_object(json.dumps(paid_order() | {"customer_locale": raw}).encode()))

    assert state.locale is None


def test_paid_order_carries_codes_reference_and_buyer() -> None:
    body = json.dumps(paid_order(codes=("PI-ABCDE-FGHJK",), ref="ANNA-7K2Q")).encode()

    state = order_state(load_object(body))

    assert state.paid is True
    assert state.cancelled is False
    assert state.codes == ("PI-ABCDE-FGHJK",)
    assert state.ref_code == "ANNA-7K2Q"
    assert state.email == "friend@example.com"
    assert state.first_name == "John"
    assert state.shipping_key is not None
    assert state.updated_at.utcoffset() is not None


@pytest.mark.parametrize(
    ("status", "paid"),
    [
        ("pending", False),
        ("authorized", False),
        ("partially_paid", False),
        ("paid", True),
        ("partially_refunded", True),
        ("refunded", True),
        ("voided", False),
    ],
)
def test_paid_follows_financial_status(status: str, paid: bool) -> None:
    order = paid_order()
    order["financial_status"] = status

    assert order_state(order).paid is paid


def test_refund_amount_sums_successful_refund_transactions_only() -> None:
    refund = load_object((FIXTURES / "refunds_create.json").read_bytes())
    refund["transactions"].append(
        {"kind": "refund", "status": "failure", "amount": "999.00"},
    )

    seen = refund_seen(refund)

    assert seen.refund_id == "890088186047892319"
    assert seen.amount == Decimal("85.00")


def test_refund_that_moved_no_money_counts_zero() -> None:
    refund = fixture("refunds_create.json")
    refund["transactions"] = []

    assert refund_seen(refund).amount == Decimal(0)


@pytest.mark.parametrize("amount", ["-85.00", "-0.01", -5])
def test_a_negative_refund_transaction_is_malformed_not_its_absolute_value(
    amount: object,
) -> None:
    # Shopify's refund transactions carry positive amounts; the other sign is no refund it sent.
    refund = fixture("refunds_create.json")
    refund["transactions"][0]["amount"] = amount

    with pytest.raises(MalformedPayload):
        refund_seen(refund)


def test_an_order_whose_refund_moved_negative_money_is_malformed() -> None:
    order = paid_order()
    order["refunds"] = [fixture("refunds_create.json")]
    order["refunds"][0]["transactions"][0]["amount"] = "-85.00"

    with pytest.raises(MalformedPayload):
        order_state(order)


def test_json_numbers_in_refund_bodies_become_decimals_not_floats() -> None:
    body = load_object((FIXTURES / "refunds_create.json").read_bytes())

    assert body["refund_line_items"][0]["subtotal"] == Decimal("89.99")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": 8.2e17}, "order id"),
        ({"id": True}, "order id"),
        ({"updated_at": None}, "updated_at"),
        ({"updated_at": "2026-11-01T10:00:00"}, "updated_at"),
        ({"total_price": "lots"}, "total_price"),
        ({"total_price": "NaN"}, "total_price"),
        ({"subtotal_price": None}, "subtotal_price"),
    ],
)
def test_unreadable_orders_are_malformed(change: dict[str, object], message: str) -> None:
    order = paid_order()
    order.update(change)

    with pytest.raises(MalformedPayload, match=message):
        order_state(order)


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b"\xff\xfe"])
def test_bodies_that_are_not_json_objects_are_malformed(body: bytes) -> None:
    with pytest.raises(MalformedPayload):
        load_object(body)


@given(order_id=st.integers(min_value=2**53 + 1, max_value=2**63 - 1))
def test_large_order_ids_survive_exactly(order_id: int) -> None:
    body = json.dumps(paid_order(order_id=order_id)).encode()

    assert order_state(load_object(body)).order_id == str(order_id)


def _in_yen(refund: dict[str, Any], rate: Decimal) -> dict[str, Any]:
    """The captured refund as if the buyer paid in JPY in a USD shop (`rate` yen per dollar)."""
    for line in refund["refund_line_items"]:
        for name in ("subtotal_set", "total_tax_set"):
            shop = Decimal(line[name]["shop_money"]["amount"])
            line[name]["presentment_money"] = {
                "amount": str((shop * rate).quantize(Decimal(1))),
                "currency_code": "JPY",
            }
    return refund


def test_the_captured_refund_is_in_shop_money_already() -> None:
    seen = refund_seen(fixture("refunds_create.json"))
    assert (seen.amount, seen.currency) == (Decimal("85.00"), "USD")


def test_a_refund_paid_in_another_currency_is_converted_to_shop_money() -> None:
    # Given a refund of 15,000 yen (transactions are in the presentment currency, with no
    # *_set) on lines worth 414.95 USD = 62,243 yen (150 yen to the dollar)
    refund = _in_yen(fixture("refunds_create.json"), Decimal(150))
    refund["transactions"] = [
        {"kind": "refund", "status": "success", "amount": "15000", "currency": "JPY"}
    ]
    # When it is read, then the core sees dollars: 15,000 x 414.95 / 62,240
    seen = refund_seen(refund)
    assert (seen.amount, seen.currency) == (Decimal("100.00"), "USD")


def test_a_foreign_refund_with_no_parts_keeps_its_own_currency() -> None:
    refund = fixture("refunds_create.json")
    refund["refund_line_items"] = [
        {
            "subtotal_set": {
                "shop_money": {"amount": "0.00", "currency_code": "USD"},
                "presentment_money": {"amount": "0", "currency_code": "JPY"},
            }
        }
    ]
    refund["transactions"] = [{"kind": "refund", "status": "success", "amount": "500"}]
    seen = refund_seen(refund)
    assert (seen.amount, seen.currency) == (Decimal("500"), "JPY")


@settings(deadline=None)
@given(
    yen=st.integers(1, 10_000_000),
    rate=st.decimals(Decimal("0.5"), Decimal("300"), places=2),
    lines=st.lists(st.integers(100, 100_000), min_size=1, max_size=5),
)
def test_refunds_in_mixed_currencies_are_always_in_shop_money(
    yen: int, rate: Decimal, lines: list[int]
) -> None:
    # Property: whatever the rate and lines, the amount is in the shop's currency, to the cent,
    # at the rate the refund's own parts imply.
    refund = {
        "id": 1,
        "refund_line_items": [
            {
                "subtotal_set": {
                    "shop_money": {"amount": str(Decimal(c) / 100), "currency_code": "USD"},
                    "presentment_money": {
                        "amount": str((Decimal(c) / 100 * rate).quantize(Decimal("0.01"))),
                        "currency_code": "JPY",
                    },
                }
            }
            for c in lines
        ],
        "transactions": [{"kind": "refund", "status": "success", "amount": str(yen)}],
    }
    shop = sum((Decimal(c) / 100 for c in lines), Decimal(0))
    presentment = sum(
        ((Decimal(c) / 100 * rate).quantize(Decimal("0.01")) for c in lines), Decimal(0)
    )
    seen = refund_seen(refund)
    assert seen.currency == "USD"
    assert seen.amount == seen.amount.quantize(Decimal("0.01"))
    assert abs(seen.amount - Decimal(yen) * shop / presentment) <= Decimal("0.005")
