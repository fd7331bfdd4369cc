"""Shopify sample payloads (shared fixtures beside the repository) and signed deliveries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from passiton.connectors.shopify.webhooks import signature

SHARED = Path(__file__).resolve().parents[3] / "shared"
FIXTURES = SHARED / "fixtures" / "shopify"
SCHEMAS = SHARED / "schemas"
SECRET = "test-shopify-client-secret-0123456789abcdef"  # as in tests/conftest.py
SHOP = "anna-rings.myshopify.com"


def fixture(name: str) -> dict[str, Any]:
    """A sample payload; a missing file fails the test."""
    data = json.loads((FIXTURES / name).read_text())
    assert isinstance(data, dict)
    return data


def signed_headers(
    body: bytes,
    topic: str,
    *,
    delivery: str = "delivery-1",
    shop: str = SHOP,
    secret: str = SECRET,
) -> dict[str, str]:
    # HTTP/2 delivers header names in lower case; the receiver must not care.
    return {
        "x-shopify-hmac-sha256": signature(body, secret),
        "x-shopify-topic": topic,
        "x-shopify-shop-domain": shop,
        "x-shopify-webhook-id": delivery,
        "x-shopify-event-id": "event-1",
        "x-shopify-api-version": "2026-10",
        "content-type": "application/json",
    }


def paid_order(
    *,
    order_id: int = 820982911946154508,
    codes: tuple[str, ...] = (),
    ref: str | None = None,
    email: str = "friend@example.com",
    customer_id: int = 115310627314723954,
    updated_at: str = "2026-11-01T10:00:00-05:00",
) -> dict[str, Any]:
    """The official orders/create sample, turned into a paid order with our codes on it."""
    order = fixture("orders_create.json")
    order.update(
        id=order_id,
        financial_status="paid",
        cancelled_at=None,
        email=email,
        updated_at=updated_at,
        discount_codes=[{"code": c, "amount": "10.00", "type": "percentage"} for c in codes],
        note_attributes=[{"name": "passiton_ref", "value": ref}] if ref else [],
    )
    order["customer"]["id"] = customer_id
    order["customer"]["email"] = email
    return order
