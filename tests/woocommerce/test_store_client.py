"""WooCommerceStore against the REST API, mocked at the HTTP boundary with `responses`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests
import responses
from responses import matchers

from passiton.connectors.woocommerce.client import WebhookCheck, WebhookTarget, WooCommerceStore
from passiton.connectors.woocommerce.rest import WooCredentials
from passiton.core.ports import RestrictedCodeSpec, StoreError
from passiton.core.program_settings import DiscountType, FriendOfferSpec
from tests.woocommerce.captured import FIXTURES, captured

STORE = "https://shop.example"
API = f"{STORE}/wp-json/wc/v3"
DELIVERY = "https://passiton.example/webhooks/woocommerce/3"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
OFFER = FriendOfferSpec(DiscountType.PERCENT, Decimal("15.00"), Decimal("20.00"), 30)


def make_store(repaired: list[bool] | None = None) -> WooCommerceStore:
    return WooCommerceStore(
        WooCredentials(STORE, "ck_test", "cs_test"),
        WebhookTarget(DELIVERY, "s3cretS3cret"),
        on_webhooks_repaired=(lambda: repaired.append(True)) if repaired is not None else None,
        clock=lambda: NOW,
    )


def coupon_answer(coupon_id: int, code: str, **fields: object) -> dict[str, object]:
    """A coupon as the REST API answers it (the captured shape), with some fields changed."""
    coupon = json.loads((FIXTURES / "coupon.json").read_text())
    assert isinstance(coupon, dict)
    return {**coupon, "id": coupon_id, "code": code, **fields}


EXPIRES = {"date_expires": "2026-12-22T12:00:00", "date_expires_gmt": "2026-12-22T12:00:00"}
"""A coupon expiring 30 days after NOW, as a store in UTC shows it."""


def sent_json(index: int) -> dict[str, object]:
    body = responses.calls[index].request.body
    assert body is not None
    value = json.loads(body)
    assert isinstance(value, dict)
    return value


@responses.activate
def test_friend_codes_are_created_single_use_in_one_batch() -> None:
    responses.post(
        f"{API}/coupons/batch",
        json={
            "create": [
                coupon_answer(41, "pi-aaaaa", **EXPIRES),
                coupon_answer(42, "pi-bbbbb", **EXPIRES),
            ]
        },
    )
    result = make_store().create_friend_codes(None, OFFER, ["PI-AAAAA", "PI-BBBBB"])
    assert result.created == ("PI-AAAAA", "PI-BBBBB")
    assert result.failed == ()
    first = sent_json(0)["create"][0]  # type: ignore[index]
    assert first == {
        "code": "PI-AAAAA",
        "discount_type": "percent",
        "amount": "15.00",
        "individual_use": True,
        "usage_limit": 1,
        "usage_limit_per_user": 1,
        "minimum_amount": "20.00",
        "description": "Passiton friend offer",
        "date_expires": "2026-12-22T12:00:00Z",
    }
    assert responses.calls[0].request.headers["Authorization"].startswith("Basic ")
    assert len(responses.calls) == 1


@responses.activate
def test_a_store_that_dropped_the_expiry_is_corrected_and_checked_again() -> None:
    # Given a store that answers 200 but kept no expiry (what `date_expires_gmt` alone gets)
    responses.post(
        f"{API}/coupons/batch",
        json={"create": [coupon_answer(41, "pi-aaaaa"), coupon_answer(42, "pi-bbbbb", **EXPIRES)]},
    )
    responses.post(
        f"{API}/coupons/batch", json={"update": [coupon_answer(41, "pi-aaaaa", **EXPIRES)]}
    )
    # When codes are created
    result = make_store().create_friend_codes(None, OFFER, ["PI-AAAAA", "PI-BBBBB"])
    # Then the coupon without expiry gets it once more, and the answer shows it kept
    assert result.created == ("PI-AAAAA", "PI-BBBBB")
    assert sent_json(1) == {"update": [{"id": 41, "date_expires": "2026-12-22T12:00:00Z"}]}


@responses.activate
def test_a_store_that_keeps_ignoring_the_expiry_is_a_permanent_store_error() -> None:
    responses.post(f"{API}/coupons/batch", json={"create": [coupon_answer(41, "pi-aaaaa")]})
    responses.post(f"{API}/coupons/batch", json={"update": [coupon_answer(41, "pi-aaaaa")]})
    with pytest.raises(StoreError, match="date_expires") as raised:
        make_store().create_friend_codes(None, OFFER, ["PI-AAAAA"])
    assert raised.value.retryable is False


@responses.activate
def test_batch_item_errors_are_failures_except_already_exists() -> None:
    responses.post(
        f"{API}/coupons/batch",
        json={
            "create": [
                coupon_answer(41, "pi-aaaaa", **EXPIRES),
                {
                    "id": 0,
                    "error": {
                        "code": "woocommerce_rest_coupon_code_already_exists",
                        "message": "The coupon code already exists",
                        "data": {"status": 400},
                    },
                },
                {"id": 0, "error": {"code": "woocommerce_rest_invalid", "message": "no"}},
            ]
        },
    )
    responses.get(
        f"{API}/coupons",
        json=[coupon_answer(43, "pi-bbbbb", **EXPIRES)],
        match=[matchers.query_param_matcher({"code": "PI-BBBBB"})],
    )
    result = make_store().create_friend_codes("ref", OFFER, ["PI-AAAAA", "PI-BBBBB", "PI-CCCCC"])
    assert result.offer_ref == "ref"
    assert result.created == ("PI-AAAAA", "PI-BBBBB")
    assert result.failed == ("PI-CCCCC",)


def test_more_than_a_hundred_codes_are_refused_before_any_call() -> None:
    with responses.RequestsMock() as mock, pytest.raises(StoreError) as raised:
        make_store().create_friend_codes(None, OFFER, [f"PI-{i:05d}" for i in range(101)])
    assert raised.value.retryable is False
    assert len(mock.calls) == 0


@pytest.mark.parametrize(
    ("status", "retryable"), [(401, False), (403, False), (404, False), (429, True), (503, True)]
)
@responses.activate
def test_http_errors_map_to_store_errors(status: int, retryable: bool) -> None:
    responses.post(f"{API}/coupons/batch", json={"code": "x", "message": "y"}, status=status)
    with pytest.raises(StoreError) as raised:
        make_store().create_friend_codes(None, OFFER, ["PI-AAAAA"])
    assert raised.value.retryable is retryable


@responses.activate
def test_a_timeout_is_a_retryable_store_error() -> None:
    responses.post(f"{API}/coupons/batch", body=requests.Timeout("slow"))
    with pytest.raises(StoreError) as raised:
        make_store().create_friend_codes(None, OFFER, ["PI-AAAAA"])
    assert raised.value.retryable is True


@responses.activate
def test_reward_code_is_fixed_single_use_and_restricted_to_its_owner() -> None:
    responses.post(f"{API}/coupons", json=coupon_answer(77, "rw-aaaaa-bbbbb"), status=201)
    spec = RestrictedCodeSpec(
        code="RW-AAAAA-BBBBB",
        amount=Decimal("10.00"),
        currency="USD",
        title="Passiton reward RW-AAAAA-BBBBB",
        customer_id="5",
        customer_email="carol@example.com",
    )
    assert make_store().create_restricted_code(spec) == "77"
    sent = sent_json(0)
    assert sent["discount_type"] == "fixed_cart"
    assert sent["amount"] == "10.00"
    assert sent["usage_limit"] == 1
    assert sent["email_restrictions"] == ["carol@example.com"]


@responses.activate
def test_gift_code_has_no_email_restriction_and_an_existing_one_is_reused() -> None:
    responses.post(
        f"{API}/coupons",
        json={"code": "woocommerce_rest_coupon_code_already_exists", "message": "exists"},
        status=400,
    )
    responses.get(
        f"{API}/coupons",
        json=[coupon_answer(78, "gf-aaaaa-bbbbb")],
        match=[matchers.query_param_matcher({"code": "GF-AAAAA-BBBBB"})],
    )
    spec = RestrictedCodeSpec("GF-AAAAA-BBBBB", Decimal("5"), "USD", "gift", None, None)
    assert make_store().create_restricted_code(spec) == "78"
    assert "email_restrictions" not in sent_json(0)


@responses.activate
def test_deactivating_expires_known_coupons_and_skips_unknown_ones() -> None:
    responses.get(
        f"{API}/coupons",
        json=[coupon_answer(41, "pi-aaaaa", **EXPIRES)],
        match=[matchers.query_param_matcher({"code": "PI-AAAAA"})],
    )
    responses.get(
        f"{API}/coupons", json=[], match=[matchers.query_param_matcher({"code": "PI-GONE0"})]
    )
    past = {"date_expires": "2026-11-21T12:00:00", "date_expires_gmt": "2026-11-21T12:00:00"}
    responses.post(f"{API}/coupons/batch", json={"update": [coupon_answer(41, "pi-aaaaa", **past)]})
    make_store().deactivate_codes("ref", ["PI-AAAAA", "PI-GONE0"])
    assert sent_json(2) == {"update": [{"id": 41, "date_expires": "2026-11-21T12:00:00Z"}]}


@responses.activate
def test_a_used_coupon_is_also_capped_at_its_usage_count_when_deactivated() -> None:
    responses.get(
        f"{API}/coupons", json=[coupon_answer(41, "pi-aaaaa", usage_count=2, usage_limit=None)]
    )
    past = {"date_expires_gmt": "2026-11-21T12:00:00", "usage_limit": 2, "usage_count": 2}
    responses.post(f"{API}/coupons/batch", json={"update": [coupon_answer(41, "pi-aaaaa", **past)]})
    make_store().deactivate_codes("ref", ["PI-AAAAA"])
    assert sent_json(1) == {
        "update": [{"id": 41, "date_expires": "2026-11-21T12:00:00Z", "usage_limit": 2}]
    }


@responses.activate
def test_a_retired_coupon_the_store_left_without_expiry_is_a_store_error() -> None:
    # Given a store that answers 200 to the update but keeps the coupon as it was
    responses.get(f"{API}/coupons", json=[coupon_answer(41, "pi-aaaaa")])
    responses.post(f"{API}/coupons/batch", json={"update": [coupon_answer(41, "pi-aaaaa")]})
    # When the code is retired, then the unusable-at-checkout promise is not assumed
    with pytest.raises(StoreError, match="retired coupons") as raised:
        make_store().deactivate_codes("ref", ["PI-AAAAA"])
    assert raised.value.retryable is False


@responses.activate
def test_orders_are_pulled_page_by_page_since_the_watermark() -> None:
    order = captured("webhook_order_created").json()
    second = {**order, "id": 18}
    since = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    base = {
        "modified_after": "2026-11-20T08:30:00",
        "dates_are_gmt": "true",
        "orderby": "modified",
        "order": "asc",
        "status": "any",
        "per_page": "100",
    }
    for page, orders in ((1, [order, {"id": "broken"}]), (2, [second])):
        responses.get(
            f"{API}/orders",
            json=orders,
            headers={"X-WP-TotalPages": "2", "X-WP-Total": "3"},
            match=[matchers.query_param_matcher({**base, "page": str(page)})],
        )
    pulled = list(make_store().orders_modified_since(since))
    assert [o.order_id for o in pulled] == ["17", "18"]
    assert len(responses.calls) == 2


@responses.activate
def test_missing_webhooks_are_created_with_our_secret_and_url() -> None:
    responses.get(f"{API}/webhooks", json=[], headers={"X-WP-TotalPages": "1"})
    responses.post(f"{API}/webhooks", json={"id": 1}, status=201)
    repaired: list[bool] = []
    make_store(repaired).register_webhooks()
    created = [sent_json(i) for i in range(1, 5)]
    assert [c["topic"] for c in created] == [
        "order.created",
        "order.updated",
        "order.deleted",
        "customer.created",
    ]
    assert all(c["delivery_url"] == DELIVERY and c["secret"] == "s3cretS3cret" for c in created)
    assert repaired == [True]


def _hook(
    hook_id: int, topic: str, status: str = "active", url: str = DELIVERY
) -> dict[str, object]:
    return {"id": hook_id, "topic": topic, "status": status, "delivery_url": url}


@responses.activate
def test_a_disabled_webhook_is_reactivated_and_reconciliation_triggered() -> None:
    hooks = [
        _hook(1, "order.created"),
        _hook(2, "order.updated", status="disabled"),
        _hook(3, "order.deleted"),
        _hook(4, "customer.created"),
        _hook(9, "order.created", url="https://other.example/hook"),
    ]
    responses.get(f"{API}/webhooks", json=hooks, headers={"X-WP-TotalPages": "1"})
    responses.put(f"{API}/webhooks/2", json=_hook(2, "order.updated"))
    repaired: list[bool] = []
    make_store(repaired).register_webhooks()
    assert len(responses.calls) == 2
    assert sent_json(1) == {"status": "active"}
    assert repaired == [True]


@responses.activate
def test_healthy_webhooks_are_left_alone_and_duplicates_removed() -> None:
    hooks = [
        _hook(1, "order.created"),
        _hook(2, "order.updated"),
        _hook(3, "order.deleted"),
        _hook(4, "customer.created"),
        _hook(5, "order.updated"),
    ]
    responses.get(f"{API}/webhooks", json=hooks, headers={"X-WP-TotalPages": "1"})
    responses.delete(f"{API}/webhooks/5", json={"id": 5})
    repaired: list[bool] = []
    make_store(repaired).register_webhooks()
    assert [c.request.method for c in responses.calls] == ["GET", "DELETE"]
    assert repaired == []


def test_the_reference_order_example_parses() -> None:
    # The REST docs' order example, read through the same path as reconciliation.
    order = json.loads((FIXTURES / "order.json").read_text())
    with responses.RequestsMock() as mock:
        mock.get(f"{API}/orders", json=[order], headers={"X-WP-TotalPages": "1"})
        (state,) = make_store().orders_modified_since(NOW)
    assert state.order_id == str(order["id"])
    assert state.total == Decimal(order["total"])


@responses.activate
def test_the_webhook_check_reports_what_it_found_and_did() -> None:
    hooks = [
        _hook(1, "order.created"),
        _hook(2, "order.updated", status="disabled"),
        _hook(4, "customer.created"),
        _hook(5, "customer.created"),
    ]
    responses.get(f"{API}/webhooks", json=hooks, headers={"X-WP-TotalPages": "1"})
    responses.put(f"{API}/webhooks/2", json=_hook(2, "order.updated"))
    responses.post(f"{API}/webhooks", json=_hook(6, "order.deleted"), status=201)
    responses.delete(f"{API}/webhooks/5", json={"id": 5})
    check = make_store().check_webhooks()
    assert check == WebhookCheck(
        active=("order.created", "customer.created"),
        created=("order.deleted",),
        reactivated=("order.updated",),
        duplicates_removed=1,
    )


@responses.activate
def test_a_reward_code_whose_expiry_the_store_dropped_is_given_it_again() -> None:
    # Given a store that answers 201 with the coupon as saved, without the expiry we sent
    responses.post(f"{API}/coupons", json=coupon_answer(77, "rw-aaaaa-bbbbb"), status=201)
    expiry = {"date_expires": "2027-05-22T12:00:00", "date_expires_gmt": "2027-05-22T12:00:00"}
    responses.post(
        f"{API}/coupons/batch", json={"update": [coupon_answer(77, "rw-aaaaa-bbbbb", **expiry)]}
    )
    spec = RestrictedCodeSpec(
        "RW-AAAAA-BBBBB",
        Decimal("10.00"),
        "USD",
        "reward",
        "5",
        "carol@example.com",
        expires_at=datetime(2027, 5, 22, 12, 0, tzinfo=UTC),
    )
    # When the reward code is created, then it is sent as date_expires and set once more
    assert make_store().create_restricted_code(spec) == "77"
    assert sent_json(0)["date_expires"] == "2027-05-22T12:00:00Z"
    assert "date_expires_gmt" not in sent_json(0)
    assert sent_json(1) == {"update": [{"id": 77, "date_expires": "2027-05-22T12:00:00Z"}]}
