"""The sandbox's WooCommerce behaviours, driven through Passiton's real WooCommerce connector."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from passiton.connectors.woocommerce.client import WooCommerceStore
from passiton.connectors.woocommerce.rest import WooCredentials, WooRest
from passiton.core.ports import RestrictedCodeSpec, StoreError
from passiton.sandbox.faults import FaultSettings
from passiton.sandbox.server import Sandbox
from passiton.sandbox.woocommerce_store import WooBuyer
from tests.sandbox.conftest import DELIVERY, KEYS, OFFER, start_sandbox, woo_store

BUYER = WooBuyer(3, "anna@example.com", "Anna", "1 Ring Road", "10115", "+49 30 1")


def test_friend_coupons_are_stored_lower_case_and_an_existing_one_counts(sandbox: Sandbox) -> None:
    store = woo_store(sandbox)
    store.create_friend_codes(None, OFFER, ["PI-AAAA"])

    result = store.create_friend_codes(None, OFFER, ["PI-BBBB", "pi-aaaa", "PI-CCCC"])

    assert result.created == ("PI-BBBB", "pi-aaaa", "PI-CCCC")
    assert sorted(c["code"] for c in sandbox.woo.coupons.values()) == [
        "pi-aaaa",
        "pi-bbbb",
        "pi-cccc",
    ]


def test_a_batch_answers_per_item_errors_with_200(sandbox: Sandbox) -> None:
    rest = WooRest(WooCredentials(sandbox.url, *KEYS))
    answer = rest.post("coupons/batch", {"create": [{"code": "X1", "amount": "1"}, {"code": ""}]})
    assert answer.status_code == 200
    first, second = answer.json()["create"]
    assert first["code"] == "x1"
    assert (second["id"], second["error"]["code"]) == (0, "woocommerce_rest_empty_coupon_code")


def test_a_batch_of_more_than_100_items_is_refused_with_413(sandbox: Sandbox) -> None:
    rest = WooRest(WooCredentials(sandbox.url, *KEYS))
    items = [{"code": f"c{i}", "amount": "1"} for i in range(101)]
    assert rest.post("coupons/batch", {"create": items}).status_code == 413
    assert rest.post("coupons/batch", {"create": items[:100]}).status_code == 200
    assert len(sandbox.woo.coupons) == 100


def test_a_duplicate_reward_coupon_resolves_to_the_existing_one(sandbox: Sandbox) -> None:
    store = woo_store(sandbox)
    spec = RestrictedCodeSpec("RW-ONE", Decimal("5.00"), "EUR", "Reward", "3", "anna@example.com")
    first = store.create_restricted_code(spec)
    assert store.create_restricted_code(spec) == first
    (coupon,) = sandbox.woo.coupons.values()
    assert coupon["email_restrictions"] == ["anna@example.com"]
    assert sandbox.woo_calls["GET /coupons"] == 1


def test_deactivated_coupons_are_refused_at_checkout(sandbox: Sandbox) -> None:
    store = woo_store(sandbox)
    store.create_friend_codes(None, OFFER, ["PI-AAAA", "PI-BBBB"])
    store.deactivate_codes(None, ["PI-AAAA"])
    with pytest.raises(ValueError, match="refuses coupon"):
        sandbox.place_woo_order(BUYER, Decimal("50.00"), ("PI-AAAA",))
    assert sandbox.place_woo_order(BUYER, Decimal("50.00"), ("PI-BBBB",)).codes == ("pi-bbbb",)


def test_friend_codes_expire_on_the_store_and_at_checkout(sandbox: Sandbox) -> None:
    # Given friend codes created through the connector with a 30-day offer
    woo_store(sandbox).create_friend_codes(None, OFFER, ["PI-AAAA"])
    (coupon,) = sandbox.woo.coupons.values()
    # Then the store keeps an expiry about 30 days out, and the checkout refuses it after that
    assert coupon["date_expires_gmt"] is not None
    sandbox.clock.advance(timedelta(days=31).total_seconds())
    with pytest.raises(ValueError, match="expired"):
        sandbox.place_woo_order(BUYER, Decimal("50.00"), ("PI-AAAA",))


def test_date_expires_gmt_is_dropped_silently_like_woocommerce_does(sandbox: Sandbox) -> None:
    rest = WooRest(WooCredentials(sandbox.url, *KEYS))
    made = rest.post(
        "coupons", {"code": "GMT1", "amount": "1", "date_expires_gmt": "2020-01-01T00:00:00"}
    )
    assert made.status_code == 201
    assert (made.json()["date_expires"], made.json()["date_expires_gmt"]) == (None, None)
    changed = rest.post(
        "coupons/batch",
        {"update": [{"id": made.json()["id"], "date_expires_gmt": "2020-01-01T00:00:00"}]},
    )
    assert changed.status_code == 200
    assert changed.json()["update"][0]["date_expires_gmt"] is None
    sandbox.place_woo_order(BUYER, Decimal("50.00"), ("GMT1",))


@pytest.mark.parametrize(
    "sent",
    ["2026-01-02T04:05:06Z", "2026-01-02T06:05:06+02:00", 1767326706, "2026-01-02T04:05:06"],
)
def test_date_expires_is_read_like_set_date_prop(sandbox: Sandbox, sent: object) -> None:
    # UTC with Z, another offset, a UTC timestamp, and a local time (the sandbox site is UTC)
    rest = WooRest(WooCredentials(sandbox.url, *KEYS))
    made = rest.post("coupons", {"code": "EXP1", "amount": "1", "date_expires": sent}).json()
    assert made["date_expires_gmt"] == "2026-01-02T04:05:06"


def test_orders_are_pulled_page_by_page_with_wordpress_totals(sandbox: Sandbox) -> None:
    start = sandbox.clock.now()
    orders = [sandbox.place_woo_order(BUYER, Decimal("20.00")) for _ in range(130)]

    pulled = list(woo_store(sandbox).orders_modified_since(start - timedelta(seconds=1)))

    assert [o.order_id for o in pulled] == [str(o.order_id) for o in orders]
    assert sandbox.woo_calls["GET /orders"] == 2
    assert list(woo_store(sandbox).orders_modified_since(start + timedelta(minutes=1))) == []


def test_a_full_refund_makes_the_pulled_order_refunded(sandbox: Sandbox) -> None:
    order = sandbox.place_woo_order(BUYER, Decimal("40.00"))
    with sandbox.woo_lock:
        sandbox.woo.refund(order.order_id, Decimal("40.00"), sandbox.clock.now())
    (pulled,) = woo_store(sandbox).orders_modified_since(sandbox.clock.now() - timedelta(days=1))
    assert pulled.cancelled is True
    assert [r.amount for r in pulled.refunds] == [Decimal("40.00")]


def test_webhooks_are_created_active_and_repaired_when_disabled(sandbox: Sandbox) -> None:
    repaired: list[bool] = []
    store = woo_store(sandbox, repaired)
    store.register_webhooks()
    hooks = sandbox.woo.webhooks
    assert sorted(h["topic"] for h in hooks.values()) == [
        "customer.created",
        "order.created",
        "order.deleted",
        "order.updated",
    ]
    assert {h["delivery_url"] for h in hooks.values()} == {DELIVERY}
    assert {h["status"] for h in hooks.values()} == {"active"}
    hooks[2]["status"] = "disabled"

    store.register_webhooks()

    assert hooks[2]["status"] == "active"
    assert len(hooks) == 4
    assert repaired == [True, True]


def test_status_is_ignored_when_a_webhook_is_created(sandbox: Sandbox) -> None:
    rest = WooRest(WooCredentials(sandbox.url, *KEYS))
    made = rest.post(
        "webhooks", {"topic": "order.updated", "delivery_url": DELIVERY, "status": "paused"}
    )
    assert (made.status_code, made.json()["status"]) == (201, "active")
    assert "secret" not in rest.get("webhooks").json()[0]


def test_wrong_keys_are_refused_for_good(sandbox: Sandbox) -> None:
    store = WooCommerceStore(
        WooCredentials(sandbox.url, "ck_wrong", "cs_wrong"),
        woo_store(sandbox)._webhooks,
    )
    with pytest.raises(StoreError) as error:
        store.create_friend_codes(None, OFFER, ["PI-AAAA"])
    assert error.value.retryable is False
    assert sandbox.woo.coupons == {}


@pytest.fixture
def failing() -> Iterator[Sandbox]:
    yield from start_sandbox(FaultSettings(error_rate=1.0))


def test_rate_limits_and_server_errors_are_retryable(failing: Sandbox) -> None:
    for _ in range(4):
        with pytest.raises(StoreError) as error:
            woo_store(failing).create_friend_codes(None, OFFER, ["PI-AAAA"])
        assert error.value.retryable is True
    assert set(failing.faults.injected) == {"429", "5xx"}
    assert failing.woo.coupons == {}


@pytest.fixture
def slow() -> Iterator[Sandbox]:
    yield from start_sandbox(FaultSettings(slow_rate=1.0, slow_seconds=0.5))


def test_a_slow_store_times_out_as_a_retryable_error(slow: Sandbox) -> None:
    rest = WooRest(WooCredentials(slow.url, *KEYS), timeout=0.1)
    with pytest.raises(StoreError) as error:
        rest.get("orders")
    assert error.value.retryable is True
    assert "timed out" in str(error.value)
