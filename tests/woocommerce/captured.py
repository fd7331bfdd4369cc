"""Captured WooCommerce deliveries from shared/fixtures/woocommerce (exact bytes and headers)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from passiton.core.ports import InboundWebhook

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "woocommerce"
SECRET = "referral-secret-123"
"""The webhook secret every captured delivery was signed with."""

DELIVERIES = (
    "webhook_order_created",
    "webhook_order_updated_partial_refund",
    "webhook_order_updated_full_refund",
    "webhook_order_deleted",
    "webhook_coupon_created",
    "webhook_action_order_status_completed",
)


@dataclass(frozen=True)
class Captured:
    body: bytes
    headers: dict[str, str]

    def inbound(self, shop_id: int | str) -> InboundWebhook:
        """As the receiver hands it over: header names lower-cased, shop id from the URL."""
        lowered = {k.lower(): v for k, v in self.headers.items()}
        return InboundWebhook(body=self.body, headers=lowered, shop_hint=str(shop_id))

    def json(self) -> dict[str, object]:
        value = json.loads(self.body)
        assert isinstance(value, dict)
        return value


def captured(name: str) -> Captured:
    """Load one delivery; a missing file fails the test."""
    body = (FIXTURES / f"{name}.body.json").read_bytes()
    headers = json.loads((FIXTURES / f"{name}.headers.json").read_text())
    return Captured(body=body, headers=headers)


def ping() -> Captured:
    raw = json.loads((FIXTURES / "webhook_ping.request.json").read_text())
    return Captured(body=raw["body"].encode(), headers=raw["headers"])


def wc_auth_callback_body() -> dict[str, object]:
    raw = json.loads((FIXTURES / "wc_auth_callback.request.json").read_text())
    body = json.loads(raw["body"])
    assert isinstance(body, dict)
    return body
