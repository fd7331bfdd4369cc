"""Every route that takes input, fed the hostile classes: never a 5xx, and a 4xx changes nothing.

The webhook fuzzing covers deliveries; this covers the merchant API, the app proxy, the companion
plugin's calls, the wc-auth callback and the public forms, with deeply nested bodies, non-ASCII
digits and integers beyond any column.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.test import TestResponse

from passiton.app.web.merchant.api_keys import create_api_key
from passiton.core.models import Shop
from tests.hostile.conftest import Stores
from tests.hostile.hostile_values import hostile_object, hostile_scalars, unicode_digit_text
from tests.shopify.app_requests import proxy_query
from tests.shopify.shopify_data import SHOP

FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
Call = Callable[[Stores, dict[str, str]], TestResponse]


def _api_headers(stores: Stores) -> dict[str, str]:
    with stores.runtime.db.sessions() as session:
        shop_id = session.scalar(select(Shop.id).where(Shop.domain == SHOP))
    assert shop_id is not None
    key = stores.runtime.db.run(lambda s: create_api_key(s, shop_id))
    return {"Authorization": f"Bearer {key}"}


def _json(method: str, path: str) -> Callable[[Stores, dict[str, str], bytes], TestResponse]:
    def call(stores: Stores, headers: dict[str, str], body: bytes) -> TestResponse:
        return stores.web.open(
            path, method=method, data=body, headers=headers, content_type="application/json"
        )

    return call


JSON_ROUTES = {
    "PUT /api/settings": (_json("PUT", "/api/settings"), ["enabled", "reward_points", "days"]),
    "POST /api/review/1": (_json("POST", "/api/review/1"), ["decision", "reason"]),
    "POST /api/keys": (_json("POST", "/api/keys"), ["name"]),
    "POST /woocommerce/callback": (
        _json("POST", "/woocommerce/callback"),
        ["key_id", "user_id", "consumer_key", "consumer_secret", "key_permissions"],
    ),
}
PLUGIN_FIELDS = ["points", "kind", "idempotency_key", "customer_id", "email", "first_name"]
QUERY_ROUTES = [
    "/api/referrals?page={}",
    "/api/referrals?per_page={}",
    "/api/review?page={}",
    "/api/stats?days={}",
    "/api/ledger?page={}",
    "/api/exports/ledger.csv?days={}",
]


@pytest.mark.parametrize("route", sorted(JSON_ROUTES))
@FUZZ
@given(data=st.data())
def test_hostile_json_bodies_never_fail_the_server(
    stores: Stores, route: str, data: st.DataObject
) -> None:
    call, fields = JSON_ROUTES[route]
    body = data.draw(hostile_object(fields))
    headers = _api_headers(stores) if route.split()[1].startswith("/api/") else {}
    before = stores.rows()

    response = call(stores, headers, body)

    # Some hostile values are legitimate text (a key may be named "²"); refusals are clear.
    assert response.status_code < 500, response.status_code
    if response.status_code >= 400:
        assert set(response.get_json()["error"]) >= {"code", "message"}
        assert stores.rows() == before


@pytest.mark.parametrize("path", ["customer", "redeem"])
@FUZZ
@given(body=hostile_object(PLUGIN_FIELDS))
def test_hostile_signed_plugin_bodies_never_fail_the_server(
    stores: Stores, path: str, body: bytes
) -> None:
    before = stores.rows()

    response = stores.plugin_call(path, body)

    # A hostile e-mail or name may still enrol the shopper; anything refused writes nothing.
    assert response.status_code < 500, response.status_code
    if response.status_code >= 400:
        assert stores.rows() == before


@FUZZ
@given(shop=unicode_digit_text, stamp=unicode_digit_text)
def test_hostile_plugin_headers_are_unsigned(stores: Stores, shop: str, stamp: str) -> None:
    before = stores.rows()

    response = stores.plugin_call("customer", b"{}", shop=shop, stamp=stamp)

    assert response.status_code == 401
    assert stores.rows() == before


@FUZZ
@given(body=hostile_object(["points", "kind", "idempotency_key"]))
def test_hostile_redemptions_through_the_app_proxy_never_fail_the_server(
    stores: Stores, body: bytes
) -> None:
    before = stores.rows()

    response = stores.web.post(
        f"/proxy/redeem?{proxy_query()}", data=body, content_type="application/json"
    )

    assert 400 <= response.status_code < 500, response.status_code
    assert stores.rows()[1:] == before[1:]  # the shopper may be enrolled, nothing is spent


@pytest.mark.parametrize("route", QUERY_ROUTES)
@FUZZ
@given(value=hostile_scalars)
def test_hostile_query_parameters_never_fail_the_server(
    stores: Stores, route: str, value: object
) -> None:
    response = stores.web.get(route.format(value), headers=_api_headers(stores))

    assert response.status_code < 500, response.status_code
    if response.status_code >= 400:
        assert set(response.get_json()["error"]) >= {"code", "message"}


@FUZZ
@given(value=hostile_scalars)
def test_hostile_form_fields_never_fail_the_server(stores: Stores, value: object) -> None:
    before = stores.rows()
    text = json.dumps(value) if not isinstance(value, str) else value

    responses = [
        stores.web.post("/login", data={"email": text, "password": text}),
        stores.web.post("/signup", data={"email": text, "password": text}),
        stores.web.post("/r/NOSUCHCODE", data={"email": text}),
    ]

    assert all(400 <= r.status_code < 500 for r in responses), [r.status_code for r in responses]
    assert stores.rows() == before
