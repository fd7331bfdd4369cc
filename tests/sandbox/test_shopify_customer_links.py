"""The referral link on the Shopify customer record: `metafieldsSet` on the sandbox store."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from passiton.connectors.shopify.customer_links import write_referral_url
from passiton.core.ports import StoreError
from passiton.sandbox.server import Sandbox
from passiton.sandbox.shopify_admin import Bucket
from passiton.sandbox.shopify_orders import Buyer
from tests.sandbox.conftest import SHOP, connect_shopify, start_sandbox

BUYER = Buyer(7001, "anna@example.com", "Anna", "1 Ring Road", "10115", "+49 30 1")
LINK = "https://passiton.example/r/ANNA-7K2Q"


def metafields(sandbox: Sandbox) -> dict[tuple[int, str, str], dict[str, str]]:
    return sandbox.shopify.shop(SHOP).customers.values


def test_the_link_is_set_on_a_customer_who_ordered_and_overwritten_in_place(
    sandbox: Sandbox,
) -> None:
    shopify = connect_shopify(sandbox)
    sandbox.shopify.place_order(SHOP, BUYER, Decimal("80.00"))

    write_referral_url(shopify.client, "7001", LINK)
    first_id = metafields(sandbox)[(7001, "passiton", "referral_url")]["id"]
    write_referral_url(shopify.client, "7001", LINK + "X")

    stored = metafields(sandbox)[(7001, "passiton", "referral_url")]
    assert stored == {"id": first_id, "type": "url", "value": LINK + "X"}
    assert len(metafields(sandbox)) == 1


def test_an_unknown_customer_is_refused_for_good_and_nothing_is_written(
    sandbox: Sandbox,
) -> None:
    shopify = connect_shopify(sandbox)

    with pytest.raises(StoreError, match="INVALID") as refused:
        write_referral_url(shopify.client, "424242", LINK)

    assert refused.value.retryable is False
    assert metafields(sandbox) == {}


def test_a_value_that_is_not_a_url_is_refused(sandbox: Sandbox) -> None:
    shopify = connect_shopify(sandbox)
    sandbox.shopify.place_order(SHOP, BUYER, Decimal("80.00"))

    with pytest.raises(StoreError, match="INVALID_VALUE"):
        write_referral_url(shopify.client, "7001", "/r/ANNA-7K2Q")

    assert metafields(sandbox) == {}


def test_without_write_customers_the_call_is_denied(sandbox: Sandbox) -> None:
    shopify = connect_shopify(sandbox)
    sandbox.shopify.place_order(SHOP, BUYER, Decimal("80.00"))
    sandbox.shopify.shop(SHOP).customers.scopes.discard("write_customers")

    with pytest.raises(StoreError, match="ACCESS_DENIED") as refused:
        write_referral_url(shopify.client, "7001", LINK)

    assert refused.value.retryable is False
    assert metafields(sandbox) == {}


def test_one_bad_input_of_many_writes_none(sandbox: Sandbox) -> None:
    sandbox.shopify.place_order(SHOP, BUYER, Decimal("80.00"))
    good = {
        "ownerId": "gid://shopify/Customer/7001",
        "namespace": "passiton",
        "key": "referral_url",
        "type": "url",
        "value": LINK,
    }

    answer = sandbox.shopify.shop(SHOP).customers.metafields_set(
        {"metafields": [good, {**good, "key": "x"}]}
    )

    (error,) = answer["metafieldsSet"]["userErrors"]
    assert (error["code"], error["field"]) == ("TOO_SHORT", ["metafields", "1", "key"])
    assert answer["metafieldsSet"]["metafields"] is None
    assert metafields(sandbox) == {}


@pytest.fixture
def small_bucket() -> Iterator[Sandbox]:
    yield from start_sandbox(bucket=Bucket(maximum=15.0, restore_rate=5.0, available=15.0))


def test_a_throttled_write_waits_for_the_bucket_then_succeeds(small_bucket: Sandbox) -> None:
    shopify = connect_shopify(small_bucket)
    small_bucket.shopify.place_order(SHOP, BUYER, Decimal("80.00"))

    write_referral_url(shopify.client, "7001", LINK)
    write_referral_url(shopify.client, "7001", LINK)

    assert small_bucket.shopify.shop(SHOP).calls["THROTTLED"] == 1
    assert shopify.sleeps == [1.0]
    assert metafields(small_bucket)[(7001, "passiton", "referral_url")]["value"] == LINK
