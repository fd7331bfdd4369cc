"""Generated webhook deliveries for both platforms: never a 5xx, nothing written unless verified,
and signed garbage is refused or ignored without a trace."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from passiton.connectors.shopify.webhooks import signature as shopify_signature
from tests.hostile.conftest import WOO_SECRET, Stores
from tests.hostile.hostile_values import deep_bodies, hostile_scalars
from tests.shopify.shopify_data import SECRET as SHOPIFY_SECRET
from tests.shopify.shopify_data import SHOP, paid_order
from tests.woocommerce.store_double import order_body
from tests.woocommerce.store_double import signature as woo_signature

SHOPIFY_TOPICS = [
    "orders/create", "orders/paid", "orders/updated", "orders/cancelled", "refunds/create",
    "customers/create", "app/uninstalled", "app/scopes_update", "customers/data_request",
    "customers/redact", "shop/redact", "products/update", "",
]  # fmt: skip
WOO_TOPICS = [
    "order.created",
    "order.updated",
    "order.deleted",
    "customer.created",
    "coupon.created",
]
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | hostile_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)


@FUZZ
@given(
    body=st.binary(max_size=300),
    headers=st.dictionaries(
        st.sampled_from(
            ["X-Shopify-Hmac-Sha256", "X-Shopify-Topic", "X-Shopify-Shop-Domain",
             "X-Shopify-Webhook-Id", "Content-Type"]
        ),
        header_text,
    ),
)  # fmt: skip
def test_unsigned_shopify_deliveries_write_nothing(
    stores: Stores, body: bytes, headers: dict[str, str]
) -> None:
    before = stores.rows()
    response = stores.web.post("/webhooks/shopify", data=body, headers=headers)
    assert response.status_code in (200, 401)
    if response.status_code == 200:  # only an unknown shop's delivery is acknowledged unsigned
        assert response.get_json()["status"] == "ignored"
    assert stores.rows() == before


@FUZZ
@given(
    topic=st.sampled_from(SHOPIFY_TOPICS),
    body=json_values.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=200) | deep_bodies,
    delivery=header_text,
)
def test_signed_shopify_garbage_never_fails_the_server(
    stores: Stores, topic: str, body: bytes, delivery: str
) -> None:
    headers = {
        "X-Shopify-Hmac-Sha256": shopify_signature(body, SHOPIFY_SECRET),
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-Webhook-Id": delivery,
    }
    before = stores.rows()
    response = stores.web.post("/webhooks/shopify", data=body, headers=headers)
    assert response.status_code < 500
    if response.status_code != 200:
        assert response.status_code in (400, 401)
        assert stores.rows() == before


@FUZZ
@given(
    changes=st.dictionaries(
        st.sampled_from(
            ["id", "financial_status", "cancelled_at", "email", "total_price", "subtotal_price",
             "discount_codes", "note_attributes", "customer", "refunds", "updated_at", "currency",
             "shipping_address", "phone", "test", "contact_email"]
        ),
        json_values,
        max_size=4,
    )
)  # fmt: skip
def test_signed_shopify_orders_with_hostile_fields_never_fail_the_server(
    stores: Stores, changes: dict[str, object]
) -> None:
    body = json.dumps(paid_order() | changes).encode()
    headers = {
        "X-Shopify-Hmac-Sha256": shopify_signature(body, SHOPIFY_SECRET),
        "X-Shopify-Topic": "orders/updated",
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-Webhook-Id": json.dumps(changes, sort_keys=True)[:200],
    }
    before = stores.rows()
    response = stores.web.post("/webhooks/shopify", data=body, headers=headers)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert stores.rows() == before


@FUZZ
@given(
    body=st.binary(max_size=300),
    headers=st.dictionaries(
        st.sampled_from(
            ["X-WC-Webhook-Signature", "X-WC-Webhook-Topic", "X-WC-Webhook-Source",
             "X-WC-Webhook-ID", "X-WC-Webhook-Delivery-ID", "Content-Type"]
        ),
        header_text,
    ),
    shop_hint=st.sampled_from(["1", "2", "999", "0", "-1", "abc", "1e3"]),
)  # fmt: skip
def test_unsigned_woocommerce_deliveries_write_nothing(
    stores: Stores, body: bytes, headers: dict[str, str], shop_hint: str
) -> None:
    before = stores.rows()
    response = stores.web.post(f"/webhooks/woocommerce/{shop_hint}", data=body, headers=headers)
    assert response.status_code in (200, 401, 404)
    assert stores.rows() == before


def _deliver_signed_woocommerce(stores: Stores, topic: str, body: bytes) -> TestResponse:
    headers = {
        "X-WC-Webhook-Signature": woo_signature(body, WOO_SECRET),
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Source": "https://woo.example/",
        "X-WC-Webhook-ID": "7",
        "X-WC-Webhook-Delivery-ID": "1",
    }
    return stores.web.post(
        f"/webhooks/woocommerce/{stores.woo_shop_id}", data=body, headers=headers
    )


@FUZZ
@given(
    topic=st.sampled_from(WOO_TOPICS),
    changes=st.dictionaries(
        st.sampled_from(
            ["id", "status", "date_paid", "date_modified_gmt", "total", "refunds",
             "coupon_lines", "meta_data", "billing", "shipping", "customer_id", "currency",
             "date_modified", "line_items"]
        ),
        json_values,
        max_size=4,
    ),
)  # fmt: skip
def test_signed_woocommerce_orders_with_hostile_fields_never_fail_the_server(
    stores: Stores, topic: str, changes: dict[str, object]
) -> None:
    body = json.dumps(order_body() | changes).encode()
    before = stores.rows()
    response = _deliver_signed_woocommerce(stores, topic, body)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert stores.rows() == before


@FUZZ
@given(topic=st.sampled_from(WOO_TOPICS), body=deep_bodies)
def test_signed_deeply_nested_woocommerce_bodies_are_refused(
    stores: Stores, topic: str, body: bytes
) -> None:
    before = stores.rows()
    response = _deliver_signed_woocommerce(stores, topic, body)
    # Topics Passiton does not handle are acknowledged unread; every other one is malformed.
    assert response.status_code == (200 if topic == "coupon.created" else 400)
    if response.status_code == 400:
        assert stores.rows() == before
