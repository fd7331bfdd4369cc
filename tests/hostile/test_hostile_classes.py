"""Each hostile input class on the route it once broke: a clear 4xx, no traceback, no change."""

from __future__ import annotations

import logging

import pytest

from passiton.connectors.shopify.webhooks import signature as shopify_signature
from tests.hostile.conftest import Stores, as_json
from tests.hostile.hostile_values import UNICODE_DIGITS, deep_json
from tests.shopify.app_requests import proxy_query
from tests.shopify.shopify_data import SECRET as SHOPIFY_SECRET
from tests.shopify.shopify_data import SHOP

SHOPIFY_TOPICS = [
    "orders/create", "orders/paid", "orders/updated", "orders/cancelled", "refunds/create",
    "customers/create", "app/uninstalled", "app/scopes_update", "customers/data_request",
    "customers/redact", "shop/redact",
]  # fmt: skip
DEPTHS = [5_000, 900, 101]
"""Past the recursion limit, just under it, and just past the depth limit."""


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> bool:
    return not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize("depth", DEPTHS)
def test_a_deeply_nested_callback_body_is_a_bad_grant(
    stores: Stores, caplog: pytest.LogCaptureFixture, depth: int
) -> None:
    before = stores.rows()

    response = stores.web.post("/woocommerce/callback", data=deep_json(depth, in_object=True))

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_grant"
    assert stores.rows() == before
    assert no_tracebacks(caplog)


@pytest.mark.parametrize("topic", SHOPIFY_TOPICS)
@pytest.mark.parametrize("depth", DEPTHS)
def test_a_signed_deeply_nested_shopify_delivery_is_malformed(
    stores: Stores, caplog: pytest.LogCaptureFixture, topic: str, depth: int
) -> None:
    body = deep_json(depth, in_object=True)
    headers = {
        "X-Shopify-Hmac-Sha256": shopify_signature(body, SHOPIFY_SECRET),
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-Webhook-Id": f"deep-{depth}",
    }
    before = stores.rows()

    response = stores.web.post("/webhooks/shopify", data=body, headers=headers)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_payload"
    assert stores.rows() == before
    assert no_tracebacks(caplog)


@pytest.mark.parametrize("path", ["customer", "redeem"])
@pytest.mark.parametrize("depth", DEPTHS)
def test_a_signed_deeply_nested_plugin_body_is_malformed(
    stores: Stores, caplog: pytest.LogCaptureFixture, path: str, depth: int
) -> None:
    before = stores.rows()

    response = stores.plugin_call(path, deep_json(depth))

    assert response.status_code == 400
    assert stores.rows() == before
    assert no_tracebacks(caplog)


@pytest.mark.parametrize("digits", UNICODE_DIGITS)
@pytest.mark.parametrize("header", ["shop", "stamp"])
def test_non_ascii_digits_in_plugin_headers_are_unsigned(
    stores: Stores, caplog: pytest.LogCaptureFixture, digits: str, header: str
) -> None:
    before = stores.rows()
    body = as_json({"email": "carol@example.com"})

    response = (
        stores.plugin_call("customer", body, shop=digits)
        if header == "shop"
        else stores.plugin_call("customer", body, stamp=digits)
    )

    assert response.status_code == 401
    assert stores.rows() == before
    assert no_tracebacks(caplog)


@pytest.mark.parametrize("points", [10**30, 2**63, 2**31])
def test_a_huge_redemption_through_the_app_proxy_is_refused(
    stores: Stores, caplog: pytest.LogCaptureFixture, points: int
) -> None:
    before = stores.rows()
    body = {"points": points, "kind": "reward", "idempotency_key": "huge"}

    response = stores.web.post(f"/proxy/redeem?{proxy_query()}", json=body)

    assert response.status_code in (400, 422)
    assert response.get_json()["error"]["field"] == "points"
    assert stores.rows() == before
    assert no_tracebacks(caplog)


@pytest.mark.parametrize("points", [10**30, 2**63, 2**31])
def test_a_huge_redemption_through_the_plugin_is_refused(
    stores: Stores, caplog: pytest.LogCaptureFixture, points: int
) -> None:
    before = stores.rows()
    body = {"points": points, "kind": "reward", "idempotency_key": "huge", "email": "c@x.example"}

    response = stores.plugin_call("redeem", as_json(body))

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_points"
    assert stores.rows() == before
    assert no_tracebacks(caplog)
