"""Signed webhook deliveries from the sandbox to Passiton, some of which may be dropped.

Shopify signs with the app's client secret (X-Shopify-Hmac-Sha256), WooCommerce with the
webhook's own secret (X-WC-Webhook-Signature); both are base64 HMAC-SHA256 of the raw body.
A dropped delivery is simply never sent, like one Shopify gave up on or WooCommerce lost.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from passiton.sandbox.faults import FaultInjector

HOOKSHOT = "WooCommerce/10.0.2 Hookshot (WordPress/6.8.3)"
Transport = Callable[[str, bytes, dict[str, str]], int]
"""POST (url, body, headers) to Passiton and return the HTTP status."""


def requests_transport(url: str, body: bytes, headers: dict[str, str]) -> int:
    """Deliver over real HTTP (Passiton running as a server)."""
    return requests.post(url, data=body, headers=headers, timeout=5).status_code


def sign(body: bytes, secret: str) -> str:
    """base64 HMAC-SHA256 of the raw body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@dataclass
class WebhookSender:
    """Sends deliveries through `transport`, dropping some as the faults say."""

    transport: Transport
    faults: FaultInjector
    sent: list[tuple[str, int]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    pings: list[tuple[int, int]] = field(default_factory=list)

    def shopify(
        self, url: str, shop: str, topic: str, payload: dict[str, Any], secret: str
    ) -> int | None:
        """A Shopify delivery; None when it was dropped."""
        # Shopify escapes slashes, so a re-serialized body never matches: sign these bytes.
        body = json.dumps(payload).replace("/", "\\/").encode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Hmac-Sha256": sign(body, secret),
            "X-Shopify-Topic": topic,
            "X-Shopify-Shop-Domain": shop,
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Event-Id": str(uuid.uuid4()),
            "X-Shopify-API-Version": "2026-10",
        }
        return self._send(url, topic, body, headers)

    def woocommerce(
        self,
        url: str,
        store_url: str,
        topic: str,
        payload: dict[str, Any],
        secret: str,
        webhook_id: int = 1,
    ) -> int | None:
        """A WooCommerce delivery; None when it was dropped."""
        # wp_json_encode escapes slashes too (`http:\/\/…`): sign the bytes as sent.
        body = json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode()
        resource, event = topic.split(".", 1)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": HOOKSHOT,
            "X-WC-Webhook-Source": f"{store_url}/",
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": sign(body, secret),
            "X-WC-Webhook-ID": str(webhook_id),
            "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex,
        }
        return self._send(url, topic, body, headers)

    def woocommerce_ping(self, url: str, webhook_id: int) -> int:
        """The unsigned ping a new webhook sends; never dropped.

        WooCommerce sends it synchronously while saving the webhook, not from the WP-Cron
        queue that loses deliveries, so the faults leave it alone.
        """
        headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": HOOKSHOT}
        status = self.transport(url, f"webhook_id={webhook_id}".encode(), headers)
        self.pings.append((webhook_id, status))
        return status

    def _send(self, url: str, topic: str, body: bytes, headers: dict[str, str]) -> int | None:
        if self.faults.drop_webhook():
            self.dropped.append(topic)
            return None
        status = self.transport(url, body, headers)
        self.sent.append((topic, status))
        return status
