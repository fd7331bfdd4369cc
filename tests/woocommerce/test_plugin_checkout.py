"""The plugin on both WooCommerce checkouts, run on a fake WordPress and WooCommerce
(tests/woocommerce/php/fake_woocommerce.php fires the hooks as WooCommerce's source does):
the referral code and the friend's coupon end up on the order Passiton reads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from passiton.connectors.woocommerce.orders import order_state
from tests.woocommerce.captured import FIXTURES
from tests.woocommerce.plugin_php import forms_of, shopper_journey

CHECKOUTS = ["block", "classic"]
FRIEND_CODE = "pi-7k2qx-m3b9c"
"""A friend code as WooCommerce stores it (coupon codes are lower-cased)."""
REFERRED = {"passiton_ref": "ANNA-7K2Q"}


def as_webhook_body(order: dict[str, Any]) -> dict[str, Any]:
    """A real order body (shared fixture) with the fake store's order id, meta and coupons."""
    body = json.loads((FIXTURES / "order.json").read_text())
    assert isinstance(body, dict)
    body.update({key: order[key] for key in ("id", "meta_data", "coupon_lines")})
    return body


def meta(order: dict[str, Any]) -> dict[str, str]:
    return {entry["key"]: entry["value"] for entry in order["meta_data"]}


def test_a_block_checkout_keeps_the_referral_code_on_the_order() -> None:
    done = shopper_journey([["add_to_cart", 12], ["checkout", "block"]], cookies=REFERRED)

    [order] = done["orders"]
    assert meta(order) == {
        "_passiton_ref": "ANNA-7K2Q",
        "_passiton_locale": "en_US",
        "_passiton_accepts_marketing": "no",
    }
    assert order_state(as_webhook_body(order)).ref_code == "ANNA-7K2Q"


def test_a_classic_checkout_keeps_the_referral_code_on_the_order() -> None:
    done = shopper_journey([["add_to_cart", 12], ["checkout", "classic"]], cookies=REFERRED)

    [order] = done["orders"]
    assert meta(order) == {
        "_passiton_ref": "ANNA-7K2Q",
        "_passiton_locale": "en_US",
        "_passiton_accepts_marketing": "no",
    }
    assert order_state(as_webhook_body(order)).ref_code == "ANNA-7K2Q"


@pytest.mark.parametrize("checkout", CHECKOUTS)
def test_a_friend_from_a_referral_link_checks_out_with_code_and_coupon(checkout: str) -> None:
    # Passiton sends the friend to the store with both; the cart is still empty on arrival.
    link = {"ref": "anna-7k2q", "passiton_coupon": FRIEND_CODE.upper()}
    done = shopper_journey(
        [["visit", link], ["add_to_cart", 12], ["checkout", checkout]], coupons=[FRIEND_CODE]
    )

    [order] = done["orders"]
    state = order_state(as_webhook_body(order))
    assert state.ref_code == "ANNA-7K2Q"
    assert state.codes == (FRIEND_CODE,)


def test_the_friend_coupon_waits_for_the_first_item_in_the_cart() -> None:
    link = {"passiton_coupon": FRIEND_CODE}
    assert shopper_journey([["visit", link]], coupons=[FRIEND_CODE])["cart_coupons"] == []
    filled = shopper_journey([["visit", link], ["add_to_cart", 12]], coupons=[FRIEND_CODE])
    assert filled["cart_coupons"] == [FRIEND_CODE]


@pytest.mark.parametrize("checkout", CHECKOUTS)
@pytest.mark.parametrize("cookies", [{}, {"passiton_ref": "<b>x</b>"}, {"passiton_ref": ""}])
def test_an_order_without_a_usable_referral_cookie_gets_no_referral_meta(
    checkout: str, cookies: dict[str, str]
) -> None:
    done = shopper_journey([["add_to_cart", 12], ["checkout", checkout]], cookies=cookies)

    [order] = done["orders"]
    assert "_passiton_ref" not in meta(order)
    assert order_state(as_webhook_body(order)).ref_code is None


@pytest.mark.parametrize("checkout", CHECKOUTS)
def test_the_order_keeps_the_language_the_shopper_checked_out_in(checkout: str) -> None:
    done = shopper_journey([["add_to_cart", 12], ["checkout", checkout]], locale="de_DE")

    [order] = done["orders"]
    assert meta(order)["_passiton_locale"] == "de_DE"
    assert order_state(as_webhook_body(order)).locale == "de_DE"


def test_the_classic_checkout_shows_the_opt_in_box_unticked() -> None:
    done = shopper_journey([["add_to_cart", 12], ["view_checkout", "classic"]])

    [form] = forms_of(f"<form>{done['checkout_html']}</form>")
    assert form.fields == {"passiton_accepts_marketing": "1"}
    assert "checked" not in done["checkout_html"]
    assert "E-mail me my personal link to share with friends" in done["checkout_html"]


def test_the_block_checkout_gets_the_opt_in_box_as_an_order_field() -> None:
    done = shopper_journey([["add_to_cart", 12]])

    assert done["block_fields"] == {
        "passiton/accepts-marketing": {
            "id": "passiton/accepts-marketing",
            "label": "E-mail me my personal link to share with friends, and a reminder.",
            "location": "order",
            "type": "checkbox",
        }
    }
    assert done["misplaced"] == []


CONSENT = [
    ("classic", {"passiton_accepts_marketing": "1"}, "yes"),
    ("classic", {}, "no"),
    ("block", {"passiton/accepts-marketing": True}, "yes"),
    ("block", {"passiton/accepts-marketing": False}, "no"),
    ("block", {}, "no"),
]


@pytest.mark.parametrize(("checkout", "posted", "kept"), CONSENT)
def test_the_order_keeps_the_shoppers_answer_and_passiton_reads_it(
    checkout: str, posted: dict[str, Any], kept: str
) -> None:
    done = shopper_journey([["add_to_cart", 12], ["checkout", checkout, posted]])

    [order] = done["orders"]
    assert meta(order)["_passiton_accepts_marketing"] == kept
    marketing = order_state(as_webhook_body(order)).marketing
    assert marketing is not None
    assert marketing.accepts is (kept == "yes")


@pytest.mark.parametrize("posted", [{"passiton_accepts_marketing": "<b>1</b>"}])
def test_a_tampered_box_value_is_not_consent(posted: dict[str, str]) -> None:
    done = shopper_journey([["add_to_cart", 12], ["checkout", "classic", posted]])

    [order] = done["orders"]
    assert meta(order)["_passiton_accepts_marketing"] == "no"
