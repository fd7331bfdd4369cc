"""A WooCommerce store at the HTTP boundary (`responses`), and signed deliveries from it."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from typing import Any

import responses
from flask.testing import FlaskClient
from requests import PreparedRequest

from tests.woocommerce.captured import captured

STORE_URL = "https://shop.example"
API = f"{STORE_URL}/wp-json/wc/v3"


def mock_store(mock: responses.RequestsMock, keys: frozenset[str] | None = None) -> None:
    """A store with no webhooks yet that accepts every coupon and has no orders to pull.

    With `keys`, only those consumer keys authenticate the webhook list (which the key check
    reads); without, any key does.
    """
    if keys is None:
        mock.get(f"{API}/webhooks", json=[], headers={"X-WP-TotalPages": "1"})
    else:
        mock.add_callback(responses.GET, f"{API}/webhooks", callback=_keyed_list(keys))
    mock.post(f"{API}/webhooks", json={"id": 1}, status=201)
    mock.get(f"{API}/orders", json=[], headers={"X-WP-TotalPages": "1"})
    mock.post(f"{API}/coupons", json={"id": 501}, status=201)
    mock.add_callback(responses.POST, f"{API}/coupons/batch", callback=_batch)


def _batch(request: PreparedRequest) -> tuple[int, dict[str, str], str]:
    body = json.loads(request.body or b"{}")
    created = [
        # A store in UTC keeps `date_expires` and shows it back as `date_expires_gmt`.
        {"id": 100 + i, "code": c["code"].lower(), "date_expires_gmt": _utc(c.get("date_expires"))}
        for i, c in enumerate(body["create"])
    ]
    return 200, {}, json.dumps({"create": created})


def _utc(expires: str | None) -> str | None:
    return expires.removesuffix("Z") if expires else None


def _keyed_list(keys: frozenset[str]) -> Any:
    def answer(request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        scheme, _, encoded = str(request.headers.get("Authorization", "")).partition(" ")
        user = base64.b64decode(encoded).decode().partition(":")[0] if encoded else ""
        if scheme != "Basic" or user not in keys:
            refusal = {"code": "woocommerce_rest_cannot_view", "data": {"status": 401}}
            return 401, {}, json.dumps(refusal)
        return 200, {"X-WP-TotalPages": "1"}, "[]"

    return answer


def signature(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def order_body(**changes: Any) -> dict[str, Any]:
    """The captured order, with fields replaced (billing fields by `billing`)."""
    order = copy.deepcopy(captured("webhook_order_created").json())
    billing = changes.pop("billing", {})
    order.update(changes)
    order["billing"] = {**order["billing"], **billing}  # type: ignore[dict-item]
    return order


def deliver(
    client: FlaskClient, shop_id: int, topic: str, body: dict[str, Any] | bytes, secret: str
) -> Any:
    """POST a delivery as WooCommerce does: raw JSON, signed with the store's secret."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(
        f"/webhooks/woocommerce/{shop_id}",
        data=raw,
        headers={
            "Content-Type": "application/json",
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Signature": signature(raw, secret),
            "X-WC-Webhook-ID": "1",
            "X-WC-Webhook-Delivery-ID": "d41d8cd98f00b204e9800998ecf8427e",
            "X-WC-Webhook-Source": f"{STORE_URL}/",
        },
    )
