"""The sandbox's Shopify behaviours, driven through Passiton's real Shopify connector."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from passiton.connectors.shopify import documents as gql
from passiton.connectors.shopify.order_lookup import look_up_order
from passiton.core.ports import RestrictedCodeSpec, StoreError
from passiton.sandbox.faults import FaultSettings
from passiton.sandbox.server import Sandbox
from passiton.sandbox.shopify_admin import Bucket
from passiton.sandbox.shopify_orders import Buyer
from tests.sandbox.conftest import OFFER, SHOP, connect_shopify, start_sandbox

BUYER = Buyer(7001, "anna@example.com", "Anna", "1 Ring Road", "10115", "+49 30 1")


def reward(code: str) -> RestrictedCodeSpec:
    return RestrictedCodeSpec(code, Decimal("5.00"), "EUR", "Reward", "7001", None)


def test_friend_codes_are_added_in_bulk_and_appear_once_the_job_is_done(sandbox: Sandbox) -> None:
    shopify = connect_shopify(sandbox)
    codes = ["PI-AAAA", "PI-BBBB", "PI-CCCC", "PI-DDDD"]

    result = shopify.store.create_friend_codes(None, OFFER, codes)

    assert result.created == tuple(codes)
    assert result.failed == ()
    shop = sandbox.shopify.shop(SHOP)
    assert shop.discounts.code_count() == 4
    # Asynchronous: the first poll is not done yet, the client waits and polls again.
    assert shop.calls["discountRedeemCodeBulkCreation"] == 2
    assert shopify.sleeps == [1.0]


def test_a_bulk_add_with_a_code_in_use_marks_it_taken_and_adds_the_rest(sandbox: Sandbox) -> None:
    shopify = connect_shopify(sandbox)
    first = shopify.store.create_friend_codes(None, OFFER, ["PI-AAAA"])
    shopify.store.create_restricted_code(reward("RW-USED"))

    result = shopify.store.create_friend_codes(first.offer_ref, OFFER, ["PI-BBBB", "rw-used"])

    # TAKEN means "exists already": the connector counts it created, as after a lost answer.
    assert result.created == ("PI-BBBB", "rw-used")
    pool = sandbox.shopify.shop(SHOP).discounts.discounts[first.offer_ref]
    assert sorted(pool.codes) == ["PI-AAAA", "PI-BBBB"]


def test_a_duplicate_code_is_refused_as_taken(sandbox: Sandbox) -> None:
    shopify = connect_shopify(sandbox)
    spec = {
        "title": "t",
        "code": "RW-1",
        "startsAt": "2026-11-01T00:00:00Z",
        "context": {"all": "ALL"},
        "customerGets": {"value": {"percentage": 0.1}, "items": {"all": True}},
    }
    shopify.client.execute(gql.DISCOUNT_CREATE, {"discount": spec})

    again = shopify.client.execute(gql.DISCOUNT_CREATE, {"discount": {**spec, "code": "rw-1"}})

    errors = again["discountCodeBasicCreate"]["userErrors"]
    assert [e["code"] for e in errors] == ["TAKEN"]
    assert again["discountCodeBasicCreate"]["codeDiscountNode"] is None


def test_creating_a_reward_code_twice_returns_the_same_discount(sandbox: Sandbox) -> None:
    shopify = connect_shopify(sandbox)
    first = shopify.store.create_restricted_code(reward("RW-TWICE"))
    second = shopify.store.create_restricted_code(reward("RW-TWICE"))
    assert first == second
    assert sandbox.shopify.shop(SHOP).calls["codeDiscountNodeByCode"] == 1


def test_deactivating_pool_codes_deletes_just_those_codes(sandbox: Sandbox) -> None:
    shopify = connect_shopify(sandbox)
    pool = shopify.store.create_friend_codes(None, OFFER, ["PI-AAAA", "PI-BBBB", "PI-CCCC"])
    shopify.store.deactivate_codes(pool.offer_ref, ["pi-bbbb", "PI-NONE"])
    discount = sandbox.shopify.shop(SHOP).discounts.discounts[pool.offer_ref]
    assert sorted(discount.codes) == ["PI-AAAA", "PI-CCCC"]


@pytest.fixture
def small_bucket() -> Iterator[Sandbox]:
    yield from start_sandbox(bucket=Bucket(maximum=25.0, restore_rate=5.0, available=25.0))


def test_throttled_calls_wait_for_the_bucket_to_refill(small_bucket: Sandbox) -> None:
    shopify = connect_shopify(small_bucket)
    for code in ("RW-1", "RW-2", "RW-3"):
        shopify.store.create_restricted_code(reward(code))

    shop = small_bucket.shopify.shop(SHOP)
    assert shop.calls["THROTTLED"] == 1
    # 25 points, 10 per mutation: the third waits for (10 - 5) / 5 = 1 second of restore.
    assert shopify.sleeps == [1.0]
    assert shop.discounts.code_count() == 3


def test_an_expired_token_is_refreshed_and_the_old_refresh_token_dies(sandbox: Sandbox) -> None:
    shopify = connect_shopify(sandbox)
    before = shopify.credentials.held[1]
    assert before.refresh_token is not None
    sandbox.clock.advance(timedelta(hours=2).total_seconds())

    shopify.store.create_restricted_code(reward("RW-LATE"))

    after = shopify.credentials.held[1]
    assert after.access_token != before.access_token
    assert after.refresh_token not in (None, before.refresh_token)
    assert sandbox.shopify.tokens.refreshes == 1
    with pytest.raises(StoreError) as refused:
        shopify.tokens.refresh(SHOP, before.refresh_token, sandbox.clock.now())
    assert refused.value.retryable is False


def test_orders_are_pulled_page_by_page_since_a_moment(sandbox: Sandbox) -> None:
    shopify = connect_shopify(sandbox)
    start = sandbox.clock.now()
    orders = [sandbox.shopify.place_order(SHOP, BUYER, Decimal("20.00")) for _ in range(55)]

    pulled = list(shopify.store.orders_modified_since(start - timedelta(seconds=1)))

    assert [o.order_id for o in pulled] == [str(o.order_id) for o in orders]
    assert all(int(o.order_id) > 2**53 for o in pulled)
    assert sandbox.shopify.shop(SHOP).calls["orders"] == 2
    later = list(shopify.store.orders_modified_since(start + timedelta(minutes=5)))
    assert later == []


def test_a_refund_shows_in_the_pulled_order(sandbox: Sandbox) -> None:
    shopify = connect_shopify(sandbox)
    order = sandbox.shopify.place_order(SHOP, BUYER, Decimal("80.00"))
    sandbox.shopify.refund(SHOP, order.order_id, Decimal("80.00"))
    (pulled,) = shopify.store.orders_modified_since(sandbox.clock.now() - timedelta(minutes=1))
    assert [r.amount for r in pulled.refunds] == [Decimal("80.00")]


@pytest.fixture
def failing() -> Iterator[Sandbox]:
    yield from start_sandbox(FaultSettings(error_rate=1.0, retry_after_seconds=2))


def test_a_store_that_keeps_failing_gives_a_retryable_error(failing: Sandbox) -> None:
    shopify = connect_shopify(failing)
    with pytest.raises(StoreError) as error:
        shopify.store.create_restricted_code(reward("RW-1"))
    assert error.value.retryable is True
    # Every 429 before the failure was waited on for its Retry-After.
    assert set(shopify.sleeps) <= {2.0}
    assert sum(failing.faults.injected.values()) == len(shopify.sleeps) + 1


def test_an_unknown_token_is_refused(sandbox: Sandbox) -> None:
    shopify = connect_shopify(sandbox)
    held = shopify.credentials.held[1]
    shopify.credentials.held[1] = type(held)("shpat_forged", None, None, None, ())
    with pytest.raises(StoreError) as error:
        shopify.store.create_restricted_code(reward("RW-1"))
    assert error.value.retryable is False


def test_one_order_is_found_by_its_admin_id_and_another_shops_is_not(sandbox: Sandbox) -> None:
    shopify = connect_shopify(sandbox)
    order = sandbox.shopify.place_order(SHOP, BUYER, Decimal("80.00"))

    found = look_up_order(shopify.client, f"gid://shopify/Order/{order.order_id}")
    missing = look_up_order(shopify.client, "gid://shopify/Order/1")

    assert found is not None
    assert (found.order_id, found.customer_id, found.email) == (
        str(order.order_id),
        "7001",
        "anna@example.com",
    )
    assert missing is None
