"""Token exchange on the sandbox, and the webhooks it signs (checked by the real connectors)."""

from __future__ import annotations

import json
import time
import uuid

import jwt
import pytest

from passiton.connectors.shopify.webhooks import signature as shopify_signature
from passiton.connectors.woocommerce.webhooks import signature_valid
from passiton.core.ports import StoreError
from passiton.sandbox.faults import FaultInjector, FaultSettings
from passiton.sandbox.server import Sandbox
from passiton.sandbox.webhook_sender import WebhookSender
from tests.sandbox.conftest import APP, SHOP, token_endpoint


def session_token(dest: str) -> str:
    now = int(time.time())
    claims = {
        "iss": f"{dest}/admin",
        "dest": dest,
        "aud": APP.client_id,
        "sub": "42",
        "exp": now + 60,
        "nbf": now - 5,
        "iat": now - 5,
        "jti": str(uuid.uuid4()),
        "sid": "s",
    }
    return jwt.encode(claims, APP.client_secret, algorithm="HS256")


def test_a_session_token_is_exchanged_for_an_expiring_offline_token(sandbox: Sandbox) -> None:
    tokens = token_endpoint(sandbox)
    held = tokens.exchange_session_token(
        SHOP, session_token(f"https://{SHOP}"), sandbox.clock.now()
    )
    assert held.refresh_token is not None
    assert held.expires_at is not None
    assert sandbox.shopify.tokens.valid(SHOP, held.access_token)


def test_a_session_token_for_another_shop_is_refused(sandbox: Sandbox) -> None:
    tokens = token_endpoint(sandbox)
    with pytest.raises(StoreError):
        tokens.exchange_session_token(
            SHOP, session_token("https://other.myshopify.com"), sandbox.clock.now()
        )


def test_sent_webhooks_carry_signatures_the_connectors_accept() -> None:
    received: list[tuple[bytes, dict[str, str]]] = []

    def transport(url: str, body: bytes, headers: dict[str, str]) -> int:
        received.append((body, headers))
        return 200

    sender = WebhookSender(transport, FaultInjector(FaultSettings.off()))
    sender.shopify("http://p/webhooks/shopify", SHOP, "orders/paid", {"id": 1, "u": "a/b"}, "k1")
    sender.woocommerce("http://p/w/1", "http://store", "order.updated", {"id": 2}, "k2")

    (shopify_body, shopify_headers), (woo_body, woo_headers) = received
    assert shopify_headers["X-Shopify-Hmac-Sha256"] == shopify_signature(shopify_body, "k1")
    assert b"a\\/b" in shopify_body  # slashes escaped, as Shopify sends them
    assert json.loads(shopify_body)["u"] == "a/b"
    assert signature_valid(woo_body, woo_headers["X-WC-Webhook-Signature"], "k2")


def test_dropped_webhooks_are_never_sent() -> None:
    calls: list[str] = []

    def transport(url: str, body: bytes, headers: dict[str, str]) -> int:
        calls.append(url)
        return 200

    sender = WebhookSender(transport, FaultInjector(FaultSettings(webhook_drop_rate=1.0)))
    assert sender.shopify("http://p/webhooks/shopify", SHOP, "orders/paid", {}, "k") is None
    assert calls == []
    assert sender.dropped == ["orders/paid"]
