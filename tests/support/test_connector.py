"""A minimal platform for exercising the webhook receiver's own rules (platform "fake")."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal

from passiton.core.events import Event, OrderChanged, OrderState
from passiton.core.ports import (
    Acknowledge,
    InboundWebhook,
    MalformedPayload,
    Rejection,
    Unverified,
    VerifiedWebhook,
)

SECRET = b"fake-platform-secret"


def sign(body: bytes) -> str:
    return base64.b64encode(hmac.new(SECRET, body, hashlib.sha256).digest()).decode()


class FakeWebhooks:
    """Signed JSON deliveries: headers x-fake-hmac, -topic, -shop (domain), -delivery."""

    platform = "fake"

    def __init__(self, shop_by_domain: Callable[[str], int | None]) -> None:
        self._shop_by_domain = shop_by_domain

    def verify(self, inbound: InboundWebhook) -> VerifiedWebhook | Unverified | Acknowledge:
        headers = inbound.headers
        if inbound.body == b"ping":
            return Acknowledge("ping")
        needed = ("x-fake-hmac", "x-fake-topic", "x-fake-shop", "x-fake-delivery")
        if any(not headers.get(name) for name in needed):
            return Unverified(Rejection.MISSING_HEADER)
        if not hmac.compare_digest(sign(inbound.body), headers["x-fake-hmac"]):
            return Unverified(Rejection.BAD_SIGNATURE)
        return VerifiedWebhook(
            shop_id=self._shop_by_domain(headers["x-fake-shop"]),
            topic=headers["x-fake-topic"],
            delivery_key=headers["x-fake-delivery"],
        )

    def translate(self, verified: VerifiedWebhook, inbound: InboundWebhook) -> Sequence[Event]:
        if verified.topic != "order":
            return []
        try:
            data = json.loads(inbound.body)
            state = OrderState(
                order_id=str(data["id"]),
                updated_at=datetime.fromisoformat(data["updated_at"]),
                customer_id=None,
                email=data["email"],
                first_name=None,
                currency="USD",
                total=Decimal(data["total"]),
                subtotal=Decimal(data["total"]),
                paid=bool(data["paid"]),
                cancelled=False,
                codes=tuple(data.get("codes", ())),
            )
        except (ValueError, KeyError, TypeError, ArithmeticError) as error:
            raise MalformedPayload(f"unreadable order: {type(error).__name__}") from error
        return [OrderChanged(state)]

    def forget_shops(self) -> None:
        """The look-up callable is asked on every delivery; nothing is remembered."""
