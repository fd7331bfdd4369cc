"""Shopify webhooks: verify the raw delivery, then translate its topic into core events."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from passiton.connectors.shopify.auth import shop_domain
from passiton.connectors.shopify.payloads import (
    load_object,
    mapping,
    optional_id,
    optional_timestamp,
    order_state,
    platform_id,
    refund_seen,
    text,
)
from passiton.core import events as ev
from passiton.core.ports import (
    Acknowledge,
    InboundWebhook,
    MalformedPayload,
    Rejection,
    Unverified,
    VerifiedWebhook,
)

HMAC_HEADER = "x-shopify-hmac-sha256"
TOPIC_HEADER = "x-shopify-topic"
SHOP_HEADER = "x-shopify-shop-domain"
# Unique per delivery, so it is the dedupe key. X-Shopify-Event-Id is shared by every topic one
# merchant action fires (orders/paid and orders/updated alike), so it would drop real events.
DELIVERY_HEADER = "x-shopify-webhook-id"
MAX_DELIVERY_KEY = 255


class ShopLookup(Protocol):
    """Finds our shop for a myshopify domain, uninstalled shops included (for redaction)."""

    def shop_id_for_domain(self, domain: str) -> int | None: ...

    def forget(self) -> None:
        """Drop remembered shops (a look-up that remembers none does nothing)."""


Translator = Callable[[dict[str, Any]], list[ev.Event]]


def _order_changed(body: dict[str, Any]) -> list[ev.Event]:
    return [ev.OrderChanged(order_state(body))]


def _refund_created(body: dict[str, Any]) -> list[ev.Event]:
    order_id = platform_id(body.get("order_id"), "order_id")
    return [ev.RefundCreated(order_id=order_id, refund=refund_seen(body))]


def _customer_created(body: dict[str, Any]) -> list[ev.Event]:
    return [
        ev.CustomerCreated(
            customer_id=platform_id(body.get("id"), "customer id"),
            email=text(body.get("email")),
            first_name=text(body.get("first_name")),
        )
    ]


# The consent states Shopify names (CustomerEmailMarketingState, in lower case on webhooks):
# only `subscribed` is consent. `pending` waits for the double opt-in's confirmation;
# `not_subscribed`, `unsubscribed`, `redacted` and `invalid` are all "do not send".
SUBSCRIBED = "subscribed"
NOT_SUBSCRIBED = frozenset({"not_subscribed", "pending", "unsubscribed", "redacted", "invalid"})


def _consent_updated(body: dict[str, Any]) -> list[ev.Event]:
    # The body is not a customer: {"customer_id", "email_address", "email_marketing_consent":
    # {"state", "opt_in_level", "consent_updated_at", ...}} (tests/shopify/consent_samples.py).
    consent = mapping(body.get("email_marketing_consent"))
    state = text(consent.get("state"))
    state = state.lower() if state else None
    if state != SUBSCRIBED and state not in NOT_SUBSCRIBED:
        raise MalformedPayload("email_marketing_consent.state is not a consent state")
    return [
        ev.MarketingConsentChanged(
            customer_id=optional_id(body.get("customer_id"), "customer_id"),
            email=text(body.get("email_address")),
            consent=ev.MarketingConsent(
                accepts=state == SUBSCRIBED,
                at=optional_timestamp(consent.get("consent_updated_at")),
            ),
        )
    ]


def _data_requested(body: dict[str, Any]) -> list[ev.Event]:
    customer = mapping(body.get("customer"))
    request_id = mapping(body.get("data_request")).get("id")
    return [
        ev.CustomerDataRequested(
            customer_id=optional_id(customer.get("id"), "customer id"),
            email=text(customer.get("email")),
            request_id=None if request_id is None else str(request_id),
        )
    ]


def _redact_requested(body: dict[str, Any]) -> list[ev.Event]:
    # Shopify may name the customer by id, or only by e-mail.
    customer = mapping(body.get("customer"))
    return [
        ev.CustomerRedactRequested(
            customer_id=optional_id(customer.get("id"), "customer id"),
            email=text(customer.get("email")),
        )
    ]


def _scopes_updated(body: dict[str, Any]) -> list[ev.Event]:
    current = body.get("current")
    scopes = tuple(s for s in current if isinstance(s, str)) if isinstance(current, list) else ()
    return [ev.ScopesUpdated(scopes=scopes)]


def _shop_updated(body: dict[str, Any]) -> list[ev.Event]:
    # The body is the REST Shop resource: `customer_email` is the address shoppers see (the
    # GraphQL `contactEmail`); `email` is the owner's login and is not ours to show.
    return [
        ev.ShopUpdated(
            ev.ShopFacts(
                name=text(body.get("name")),
                currency=text(body.get("currency")),
                locale=text(body.get("primary_locale")),
                timezone=text(body.get("iana_timezone")),
                contact_email=text(body.get("customer_email")),
            )
        )
    ]


TRANSLATORS: Mapping[str, Translator] = {
    # Every order topic carries the whole order: decide on its state, never on the topic name.
    "orders/create": _order_changed,
    "orders/paid": _order_changed,
    "orders/updated": _order_changed,
    "orders/cancelled": _order_changed,
    "refunds/create": _refund_created,
    "customers/create": _customer_created,
    # The topic is spelled so on the wire (the WebhookSubscriptionTopic enum's description
    # names it); Shopify's changelog calls it "customers/email_marketing_consent_update".
    "customers_email_marketing_consent/update": _consent_updated,
    "customers/data_request": _data_requested,
    "customers/redact": _redact_requested,
    "shop/redact": lambda _body: [ev.ShopRedactRequested()],
    # The body's myshopify_domain may be null; the shop comes from the header.
    "app/uninstalled": lambda _body: [ev.AppUninstalled()],
    "app/scopes_update": _scopes_updated,
    "shop/update": _shop_updated,
}
TOPICS = tuple(TRANSLATORS)


def signature(body: bytes, secret: str) -> str:
    """X-Shopify-Hmac-Sha256 for `body`: base64 of HMAC-SHA256 over the raw bytes."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class ShopifyWebhooks:
    """The WebhookConnector for every Shopify topic, compliance topics included."""

    platform = "shopify"

    def __init__(self, secrets: Sequence[str], shops: ShopLookup) -> None:
        # During a secret rotation Shopify may still sign with the previous secret for an hour.
        self._secrets = tuple(s for s in secrets if s)
        self._shops = shops

    def verify(self, inbound: InboundWebhook) -> VerifiedWebhook | Unverified | Acknowledge:
        headers = {k.lower(): v for k, v in inbound.headers.items()}
        sent = headers.get(HMAC_HEADER, "").strip()
        topic = headers.get(TOPIC_HEADER, "").strip()
        domain = headers.get(SHOP_HEADER, "").strip()
        delivery = headers.get(DELIVERY_HEADER, "").strip()
        if not (sent and topic and domain and delivery):
            return Unverified(Rejection.MISSING_HEADER)
        # Compare against the raw bytes: Shopify escapes slashes, so re-serialised JSON differs.
        if not any(
            hmac.compare_digest(signature(inbound.body, secret).encode(), sent.encode())
            for secret in self._secrets
        ):
            return Unverified(Rejection.BAD_SIGNATURE)
        shop = shop_domain(domain)
        if shop is None:
            return Unverified(Rejection.MALFORMED)
        return VerifiedWebhook(
            shop_id=self._shops.shop_id_for_domain(shop),
            topic=topic,
            delivery_key=delivery[:MAX_DELIVERY_KEY],
        )

    def translate(self, verified: VerifiedWebhook, inbound: InboundWebhook) -> Sequence[ev.Event]:
        translator = TRANSLATORS.get(verified.topic)
        if translator is None:
            return []
        return translator(load_object(inbound.body))

    def forget_shops(self) -> None:
        self._shops.forget()
