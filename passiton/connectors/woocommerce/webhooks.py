"""WooCommerce webhook deliveries: verify with the store's own secret, translate to core events.

Each connected store has its own random secret and its own delivery URL
(`/webhooks/woocommerce/<shop_id>`), so the shop id in the URL picks the secret and a body
signed with another store's secret never verifies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from passiton.connectors.woocommerce.orders import order_state, platform_id
from passiton.core.digits import ascii_digits
from passiton.core.events import CustomerCreated, Event, OrderChanged, OrderDeleted
from passiton.core.json_documents import load_json
from passiton.core.ports import (
    Acknowledge,
    InboundWebhook,
    MalformedPayload,
    Rejection,
    Unverified,
    VerifiedWebhook,
)

PLATFORM = "woocommerce"
SecretLookup = Callable[[int], str | None]
"""Shop id → that store's decrypted webhook secret, or None if the shop is not a Woo store."""

_PING = re.compile(rb"^webhook_id=\d{1,20}$")
_MAX_SHOP_ID = 2**63 - 1


class WooCommerceWebhooks:
    """The WebhookConnector for WooCommerce."""

    platform = PLATFORM

    def __init__(self, secret_for: SecretLookup) -> None:
        self._secret_for = secret_for

    def verify(self, inbound: InboundWebhook) -> VerifiedWebhook | Unverified | Acknowledge:
        """Acknowledge the unsigned ping; check every other delivery against its store's secret."""
        headers = inbound.headers
        signature = headers.get("x-wc-webhook-signature")
        if signature is None and "x-wc-webhook-topic" not in headers:
            if _PING.match(inbound.body.strip()):
                # Sent unsigned when a webhook is created or saved; anything but a 200 makes
                # WooCommerce send it again on every save.
                return Acknowledge("ping")
            return Unverified(Rejection.MISSING_HEADER)
        topic = headers.get("x-wc-webhook-topic")
        if not signature or not topic:
            return Unverified(Rejection.MISSING_HEADER)
        shop_id = _shop_id(inbound.shop_hint)
        if shop_id is None:
            return Unverified(Rejection.UNKNOWN_SHOP)
        secret = self._secret_for(shop_id)
        if not secret:
            return Unverified(Rejection.UNKNOWN_SHOP)
        if not signature_valid(inbound.body, signature, secret):
            return Unverified(Rejection.BAD_SIGNATURE)
        return VerifiedWebhook(
            shop_id=shop_id,
            topic=topic,
            delivery_key=delivery_key(shop_id, topic, inbound),
        )

    def translate(self, verified: VerifiedWebhook, inbound: InboundWebhook) -> Sequence[Event]:
        """Events for the delivery; [] for topics the program does not use."""
        translator = TRANSLATORS.get(verified.topic)
        if translator is None:
            return []
        return translator(_json_object(inbound.body))

    def forget_shops(self) -> None:
        """Nothing to forget: the shop comes from the delivery URL, its secret is read each time."""


def signature_valid(body: bytes, signature: str, secret: str) -> bool:
    """Base64 HMAC-SHA256 of the raw body, compared in constant time."""
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature.strip().encode("ascii", "replace"))


def delivery_key(shop_id: int, topic: str, inbound: InboundWebhook) -> str:
    """A dedupe key from what the delivery says, never from X-WC-Webhook-Delivery-ID alone.

    WooCommerce reuses delivery ids (two deliveries in one second shared one), and builds
    bodies when sending, so two deliveries with the same order state are the same news
    whatever their topic (a REST-created order fires both order.created and order.updated).
    """
    try:
        body = load_json(inbound.body)
    except ValueError:
        body = None
    parts: list[str] = [str(shop_id)]
    if isinstance(body, dict) and topic in ORDER_TOPICS:
        refunds = body.get("refunds")
        parts += [
            "order",
            str(body.get("id")),
            str(body.get("date_modified_gmt")),
            str(body.get("status")),
            str(body.get("total")),
            ",".join(
                sorted(
                    str(r.get("id"))
                    for r in (refunds if isinstance(refunds, list) else [])
                    if isinstance(r, dict)
                )
            ),
        ]
    elif isinstance(body, dict) and topic == "order.deleted":
        # The body is only {"id": N}; a trash, restore and trash again must count twice.
        parts += [topic, str(body.get("id")), inbound.headers.get("x-wc-webhook-delivery-id", "")]
    elif isinstance(body, dict) and topic.startswith("customer."):
        parts += [topic, str(body.get("id")), str(body.get("date_modified_gmt"))]
    else:
        parts += [topic, hashlib.sha256(inbound.body).hexdigest()]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"wc:{digest}"


def _order_changed(body: Mapping[str, Any]) -> list[Event]:
    state = order_state(body)
    events: list[Event] = [OrderChanged(state)]
    if body.get("status") == "trash":
        # Coalesced bursts can deliver order.created/updated with the order already trashed.
        events.append(OrderDeleted(state.order_id))
    return events


def _order_deleted(body: Mapping[str, Any]) -> list[Event]:
    return [OrderDeleted(platform_id(body.get("id"), "id"))]


def _customer_created(body: Mapping[str, Any]) -> list[Event]:
    email = body.get("email")
    first_name = body.get("first_name")
    return [
        CustomerCreated(
            customer_id=platform_id(body.get("id"), "id"),
            email=email.strip() or None if isinstance(email, str) else None,
            first_name=first_name.strip() or None if isinstance(first_name, str) else None,
        )
    ]


ORDER_TOPICS = frozenset({"order.created", "order.updated", "order.restored"})
TRANSLATORS: dict[str, Callable[[Mapping[str, Any]], list[Event]]] = {
    "order.created": _order_changed,
    "order.updated": _order_changed,
    "order.restored": _order_changed,
    "order.deleted": _order_deleted,
    "customer.created": _customer_created,
}


def _json_object(body: bytes) -> Mapping[str, Any]:
    try:
        value = load_json(body)
    except ValueError as error:
        raise MalformedPayload("the body is not JSON") from error
    if not isinstance(value, dict):
        raise MalformedPayload("the body is not a JSON object")
    return value


def _shop_id(hint: str | None) -> int | None:
    if not hint or not ascii_digits(hint) or len(hint) > 18:
        return None
    value = int(hint)
    return value if 0 < value <= _MAX_SHOP_ID else None
