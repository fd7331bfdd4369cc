"""Ports the core calls out through. Connectors implement them; tests use the fakes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from passiton.core.events import Event, OrderState, ShopFacts
from passiton.core.program_settings import FriendOfferSpec


class StoreError(Exception):
    """A store API call failed. `retryable` says whether trying again later can help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class StoreShop:
    """What a store client needs to know of the shop it talks to."""

    shop_id: int
    platform: str
    domain: str
    currency: str


@dataclass(frozen=True)
class RestrictedCodeSpec:
    """A fixed-amount, single-use code; restricted to one customer unless it is a gift."""

    code: str
    amount: Decimal
    currency: str
    title: str
    customer_id: str | None
    customer_email: str | None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class BulkCodesResult:
    offer_ref: str
    """The platform's id of the offer the codes belong to (stable across calls)."""
    created: tuple[str, ...]
    """Codes now on the store, including ones that already existed from an earlier try."""
    failed: tuple[str, ...] = ()


class StorePort(Protocol):
    """Everything the program asks of a store."""

    def create_friend_codes(
        self, offer_ref: str | None, offer: FriendOfferSpec, codes: Sequence[str]
    ) -> BulkCodesResult:
        """Create single-use friend codes under the offer (created first if `offer_ref` is None)."""
        ...

    def create_restricted_code(self, spec: RestrictedCodeSpec) -> str:
        """Create one reward or gift code and return its platform id. Idempotent on the code."""
        ...

    def deactivate_codes(self, offer_ref: str | None, codes: Sequence[str]) -> None:
        """Stop codes (at most 100, of one offer if `offer_ref` is set) from being usable.

        Idempotent; codes the store does not know are already unusable and are not an error.
        """
        ...

    def orders_modified_since(self, since: datetime) -> Iterator[OrderState]:
        """Orders changed at or after `since`, oldest first, for reconciliation."""
        ...

    def register_webhooks(self) -> None:
        """Create or repair the webhook subscriptions the program needs."""
        ...

    def shop_facts(self) -> ShopFacts:
        """The store's name, currency, primary language, time zone and contact e-mail."""
        ...


class StoreDirectory(Protocol):
    """Finds the store client for a shop. Implemented by the composition root."""

    def store_for(self, shop: StoreShop) -> StorePort: ...


class Rejection(StrEnum):
    MISSING_HEADER = "missing_header"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_SHOP = "unknown_shop"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class InboundWebhook:
    """A delivery as it came in: raw bytes, headers (case-insensitive lookup by the caller)."""

    body: bytes
    headers: Mapping[str, str]
    shop_hint: str | None = None
    """The shop id from the URL, for platforms whose delivery URL names the shop."""


@dataclass(frozen=True)
class VerifiedWebhook:
    shop_id: int | None
    """None for a verified delivery about a shop we do not (or no longer) know."""
    topic: str
    delivery_key: str


@dataclass(frozen=True)
class Unverified:
    reason: Rejection


@dataclass(frozen=True)
class Acknowledge:
    """A delivery that must be answered 200 and ignored (e.g. WooCommerce's unsigned ping)."""

    reason: str


class WebhookConnector(Protocol):
    """One platform's webhook anatomy: verify the raw delivery, then translate it to events."""

    platform: str

    def verify(self, inbound: InboundWebhook) -> VerifiedWebhook | Unverified | Acknowledge: ...

    def translate(self, verified: VerifiedWebhook, inbound: InboundWebhook) -> Sequence[Event]:
        """Events for a verified delivery; empty for topics the program ignores."""
        ...

    def forget_shops(self) -> None:
        """Drop remembered shop look-ups: a verified delivery named a shop that is gone."""
        ...


class MalformedPayload(Exception):
    """A verified delivery whose body cannot be understood; nothing is written for it."""
