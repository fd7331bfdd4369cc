from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import responses

from passiton.connectors.shopify.store import API_TOPICS, ShopifyStore
from passiton.core.events import ShopFacts
from passiton.core.ports import RestrictedCodeSpec, StoreError
from passiton.core.program_settings import DiscountType, FriendOfferSpec
from tests.shopify.admin_api import FakeAdminApi, MemoryCredentials, admin_client, credentials

OFFER = FriendOfferSpec(DiscountType.PERCENT, Decimal("15.00"), Decimal("0.00"), 30)
DISCOUNT = "gid://shopify/DiscountCodeNode/77"
HOOK_URI = "https://passiton.test/webhooks/shopify"


def make_store(api: FakeAdminApi, sleeps: list[float] | None = None) -> ShopifyStore:
    waits = sleeps if sleeps is not None else []
    client = admin_client(responses.mock, api, MemoryCredentials({1: credentials()}), waits)
    return ShopifyStore(client, webhook_uri=HOOK_URI, sleep=waits.append)


def created(node_id: str | None, *errors: dict[str, Any]) -> dict[str, Any]:
    return {
        "discountCodeBasicCreate": {
            "codeDiscountNode": {"id": node_id} if node_id else None,
            "userErrors": list(errors),
        }
    }


@responses.activate
def test_new_offer_is_one_shared_discount_with_single_use_codes() -> None:
    api, sleeps = FakeAdminApi(), list[float]()
    api.answer("DiscountCreate", created(DISCOUNT))
    api.answer(
        "CodesBulkAdd",
        {"discountRedeemCodeBulkAdd": {"bulkCreation": {"id": "b1"}, "userErrors": []}},
    )
    api.answer(
        "BulkCreation", {"discountRedeemCodeBulkCreation": {"done": False, "codes": {"nodes": []}}}
    )
    api.answer(
        "BulkCreation",
        {
            "discountRedeemCodeBulkCreation": {
                "done": True,
                "codes": {
                    "nodes": [
                        {"code": "PI-B", "errors": []},
                        {"code": "PI-C", "errors": [{"code": "TAKEN", "message": "taken"}]},
                        {"code": "PI-D", "errors": [{"code": "INVALID", "message": "bad"}]},
                    ]
                },
            }
        },
    )

    result = make_store(api, sleeps).create_friend_codes(
        None, OFFER, ["PI-A", "PI-B", "PI-C", "PI-D"]
    )

    assert result.offer_ref == DISCOUNT
    # A TAKEN code was created by an earlier try: it is on the store.
    assert result.created == ("PI-A", "PI-B", "PI-C")
    assert result.failed == ("PI-D",)
    discount = api.calls[0][1]["discount"]
    assert discount["code"] == "PI-A"
    assert discount["usageLimit"] == 1
    assert discount["context"] == {"all": "ALL"}
    assert discount["customerGets"]["value"] == {"percentage": 0.15}
    assert api.calls[1][1]["codes"] == [{"code": "PI-B"}, {"code": "PI-C"}, {"code": "PI-D"}]
    assert sleeps == [1.0]


@responses.activate
def test_more_than_a_hundred_codes_are_refused_before_calling_shopify() -> None:
    api = FakeAdminApi()

    with pytest.raises(StoreError):
        make_store(api).create_friend_codes(DISCOUNT, OFFER, [f"PI-{i}" for i in range(101)])

    assert api.calls == []


@responses.activate
def test_restricted_code_created_twice_returns_the_existing_discount() -> None:
    api = FakeAdminApi()
    api.answer(
        "DiscountCreate", created(None, {"field": ["code"], "code": "TAKEN", "message": "taken"})
    )
    api.answer(
        "DiscountByCode", {"codeDiscountNodeByCode": {"id": "gid://shopify/DiscountCodeNode/9"}}
    )
    spec = RestrictedCodeSpec(
        code="RW-AAAAA-BBBBB",
        amount=Decimal("10.00"),
        currency="USD",
        title="Your referral reward",
        customer_id="115310627314723954",
        customer_email="anna@example.com",
        expires_at=datetime(2027, 1, 1, tzinfo=UTC),
    )

    ref = make_store(api).create_restricted_code(spec)

    assert ref == "gid://shopify/DiscountCodeNode/9"
    discount = api.calls[0][1]["discount"]
    assert discount["context"] == {
        "customers": {"add": ["gid://shopify/Customer/115310627314723954"]}
    }
    assert discount["customerGets"]["value"] == {
        "discountAmount": {"amount": "10.00", "appliesOnEachItem": False}
    }
    assert discount["endsAt"].startswith("2027-01-01")


@responses.activate
def test_refused_discount_is_a_permanent_store_error() -> None:
    api = FakeAdminApi()
    api.answer(
        "DiscountCreate", created(None, {"field": ["code"], "code": "INVALID", "message": "no"})
    )

    with pytest.raises(StoreError) as refused:
        make_store(api).create_friend_codes(None, OFFER, ["PI-A"])

    assert refused.value.retryable is False


@responses.activate
def test_retiring_friend_codes_deletes_only_those_codes() -> None:
    api = FakeAdminApi()
    page = {
        "nodes": [{"id": "r1", "code": "PI-A"}, {"id": "r2", "code": "PI-KEEP"}],
        "pageInfo": {"hasNextPage": True, "endCursor": "c1"},
    }
    api.answer("OfferCodes", {"codeDiscountNode": {"codeDiscount": {"codes": page}}})
    last = {
        "nodes": [{"id": "r3", "code": "PI-B"}],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }
    api.answer("OfferCodes", {"codeDiscountNode": {"codeDiscount": {"codes": last}}})
    api.answer("CodesBulkDelete", {"discountCodeRedeemCodeBulkDelete": {"userErrors": []}})

    make_store(api).deactivate_codes(DISCOUNT, ["pi-a", "PI-B"])

    assert api.operations() == ["OfferCodes", "OfferCodes", "CodesBulkDelete"]
    assert api.calls[2][1] == {"discountId": DISCOUNT, "ids": ["r1", "r3"]}


@responses.activate
def test_deactivating_an_unknown_reward_code_is_not_an_error() -> None:
    api = FakeAdminApi()
    api.answer("DiscountByCode", {"codeDiscountNodeByCode": None})

    make_store(api).deactivate_codes(None, ["RW-GONE"])

    assert api.operations() == ["DiscountByCode"]


@responses.activate
def test_webhook_registration_creates_only_missing_topics() -> None:
    api = FakeAdminApi()
    api.answer("Webhooks", {"webhookSubscriptions": {"nodes": [{"topic": "ORDERS_PAID"}]}})
    for _ in range(len(API_TOPICS) - 1):
        api.answer(
            "WebhookCreate",
            {"webhookSubscriptionCreate": {"webhookSubscription": {"id": "w"}, "userErrors": []}},
        )

    make_store(api).register_webhooks()

    topics = [
        variables["topic"] for operation, variables, _ in api.calls if operation == "WebhookCreate"
    ]
    assert sorted(topics) == sorted(set(API_TOPICS) - {"ORDERS_PAID"})
    assert all(v["uri"] == HOOK_URI for _, v, _ in api.calls)


def order_node(order_id: str, updated_at: str, **changes: Any) -> dict[str, Any]:
    node: dict[str, Any] = {
        "legacyResourceId": order_id,
        "updatedAt": updated_at,
        "email": "friend@example.com",
        "phone": None,
        "currencyCode": "USD",
        "displayFinancialStatus": "PARTIALLY_REFUNDED",
        "cancelledAt": None,
        "test": False,
        "customerLocale": "de-AT",
        "discountCodes": ["PI-A"],
        "customAttributes": [{"key": "passiton_ref", "value": "ANNA-7K2Q"}],
        "customer": {"legacyResourceId": "115310627314723954", "firstName": "Jo", "email": None},
        "shippingAddress": {
            "firstName": "Jo",
            "address1": "1 Elm",
            "zip": "K2P",
            "countryCodeV2": "CA",
            "phone": None,
        },
        "subtotalPriceSet": {"shopMoney": {"amount": "100.0"}},
        "totalPriceSet": {"shopMoney": {"amount": "110.0"}},
        "refunds": [
            {
                "legacyResourceId": "555",
                "transactions": {
                    "nodes": [
                        {
                            "kind": "REFUND",
                            "status": "SUCCESS",
                            "amountSet": {"shopMoney": {"amount": "20.0"}},
                        },
                        {
                            "kind": "REFUND",
                            "status": "FAILURE",
                            "amountSet": {"shopMoney": {"amount": "99.0"}},
                        },
                    ]
                },
            }
        ],
    }
    node.update(changes)
    return node


@responses.activate
def test_order_pull_pages_through_orders_changed_since_the_watermark() -> None:
    api = FakeAdminApi()
    first = {
        "nodes": [order_node("9007199254740993", "2026-11-01T10:00:00Z")],
        "pageInfo": {"hasNextPage": True, "endCursor": "c1"},
    }
    second = {
        "nodes": [
            order_node(
                "2", "2026-11-01T11:00:00Z", displayFinancialStatus="PENDING", customerLocale=None
            )
        ],
        "pageInfo": {"hasNextPage": False, "endCursor": "c2"},
    }
    api.answer("OrdersSince", {"orders": first})
    api.answer("OrdersSince", {"orders": second})
    since = datetime(2026, 11, 1, 9, 0, tzinfo=UTC) - timedelta(minutes=10)

    orders = list(make_store(api).orders_modified_since(since))

    assert api.calls[0][1] == {"query": "updated_at:>='2026-11-01T08:50:00Z'", "after": None}
    assert api.calls[1][1]["after"] == "c1"
    paid, pending = orders
    assert paid.order_id == "9007199254740993"
    assert (paid.paid, paid.cancelled) == (True, False)
    assert (paid.total, paid.subtotal) == (Decimal("110.0"), Decimal("100.0"))
    assert paid.codes == ("PI-A",)
    assert paid.ref_code == "ANNA-7K2Q"
    assert [(r.refund_id, r.amount) for r in paid.refunds] == [("555", Decimal("20.0"))]
    assert pending.paid is False
    assert (paid.locale, pending.locale) == ("de-AT", None)


@responses.activate
def test_unreadable_pulled_order_is_a_permanent_store_error() -> None:
    api = FakeAdminApi()
    bad = {
        "nodes": [order_node("x", "yesterday")],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }
    api.answer("OrdersSince", {"orders": bad})

    with pytest.raises(StoreError) as refused:
        list(make_store(api).orders_modified_since(datetime(2026, 11, 1, tzinfo=UTC)))

    assert refused.value.retryable is False


SHOP_NODE = {
    "shop": {
        "name": "Atelier Anna",
        "currencyCode": "EUR",
        "ianaTimezone": "Europe/Berlin",
        "contactEmail": "hallo@atelier-anna.example",
        "primaryDomain": {"host": "atelier-anna.example"},
    }
}


@responses.activate
def test_shop_facts_come_from_the_shop_query_and_the_primary_shop_locale() -> None:
    api = FakeAdminApi()
    api.answer("ShopFacts", SHOP_NODE)
    api.answer(
        "ShopLocales",
        {"shopLocales": [{"locale": "en", "primary": False}, {"locale": "de", "primary": True}]},
    )

    facts = make_store(api).shop_facts()

    assert facts == ShopFacts(
        name="Atelier Anna",
        currency="EUR",
        locale="de",
        timezone="Europe/Berlin",
        contact_email="hallo@atelier-anna.example",
    )


@responses.activate
def test_shop_facts_without_read_locales_keep_the_language_unknown() -> None:
    # A shop installed before read_locales was asked for: Shopify denies the field until the
    # merchant re-consents.
    api = FakeAdminApi()
    api.answer("ShopFacts", SHOP_NODE)
    denied = {
        "message": "Access denied for shopLocales field.",
        "extensions": {"code": "ACCESS_DENIED"},
    }
    api.answer("ShopLocales", {"errors": [denied], "data": None})

    facts = make_store(api).shop_facts()

    assert (facts.name, facts.currency, facts.locale) == ("Atelier Anna", "EUR", None)


@responses.activate
def test_a_pulled_refund_with_a_negative_amount_is_a_permanent_store_error() -> None:
    api = FakeAdminApi()
    node = order_node("820982911946154508", "2026-11-02T10:00:00Z")
    node["refunds"][0]["transactions"]["nodes"][0]["amountSet"]["shopMoney"]["amount"] = "-20.0"
    page = {"nodes": [node], "pageInfo": {"hasNextPage": False, "endCursor": None}}
    api.answer("OrdersSince", {"orders": page})

    with pytest.raises(StoreError) as refused:
        list(make_store(api).orders_modified_since(datetime(2026, 11, 1, tzinfo=UTC)))

    assert refused.value.retryable is False
