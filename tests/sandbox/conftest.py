"""A running sandbox store, and Passiton's real connector clients pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from passiton.connectors.shopify.client import ShopifyAdminClient
from passiton.connectors.shopify.store import ShopifyStore
from passiton.connectors.shopify.tokens import ShopifyCredentials, TokenEndpoint
from passiton.connectors.woocommerce.client import WebhookTarget, WooCommerceStore
from passiton.connectors.woocommerce.rest import WooCredentials
from passiton.core.program_settings import DiscountType, FriendOfferSpec
from passiton.sandbox.clock import SandboxClock
from passiton.sandbox.faults import FaultSettings
from passiton.sandbox.server import Sandbox
from passiton.sandbox.shopify_admin import Bucket
from passiton.sandbox.shopify_oauth import ShopifyApp

SHOP = "anna-rings.myshopify.com"
APP = ShopifyApp("sandbox-client-id", "sandbox-client-secret-0123456789abcdef")
KEYS = ("ck_sandbox_key", "cs_sandbox_secret")
OFFER = FriendOfferSpec(DiscountType.PERCENT, Decimal("15.00"), Decimal("0.00"), 30)
DELIVERY = "http://127.0.0.1:9/webhooks/woocommerce/1"


def start_sandbox(
    faults: FaultSettings | None = None, bucket: Bucket | None = None
) -> Iterator[Sandbox]:
    sandbox = Sandbox(APP, KEYS, faults=faults, clock=SandboxClock(frozen=True), bucket=bucket)
    with sandbox:
        yield sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    yield from start_sandbox()


@dataclass
class MemoryCredentials:
    held: dict[int, ShopifyCredentials] = field(default_factory=dict)

    def load(self, shop_id: int) -> ShopifyCredentials | None:
        return self.held.get(shop_id)

    def save(self, shop_id: int, credentials: ShopifyCredentials) -> None:
        self.held[shop_id] = credentials


@dataclass
class ShopifyConnection:
    """The connector's client and store for one installed sandbox shop."""

    client: ShopifyAdminClient
    store: ShopifyStore
    tokens: TokenEndpoint
    credentials: MemoryCredentials
    sleeps: list[float]


def token_endpoint(sandbox: Sandbox) -> TokenEndpoint:
    return TokenEndpoint(sandbox.shopify_admin_template, APP.client_id, APP.client_secret)


def authorization_code(sandbox: Sandbox, shop: str = SHOP) -> str:
    """Approve the app on the sandbox's authorize page and read the code from the redirect."""
    base = sandbox.shopify_admin_template.format(shop=shop)
    answer = requests.get(
        f"{base}/admin/oauth/authorize",
        params={"client_id": APP.client_id, "redirect_uri": "http://app/cb", "state": "s"},
        allow_redirects=False,
        timeout=5,
    )
    assert answer.status_code == 302
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]


def connect_shopify(sandbox: Sandbox, shop: str = SHOP) -> ShopifyConnection:
    tokens = token_endpoint(sandbox)
    credentials = MemoryCredentials()
    credentials.save(1, tokens.exchange_code(shop, authorization_code(sandbox, shop), now(sandbox)))
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        # The client waits on the sandbox's clock, so leaky-bucket tests take no real time.
        sleeps.append(seconds)
        sandbox.clock.advance(seconds)

    client = ShopifyAdminClient(
        shop_id=1,
        shop=shop,
        admin_base=sandbox.shopify_admin_template.format(shop=shop),
        api_version="2026-10",
        credentials=credentials,
        tokens=tokens,
        clock=lambda: now(sandbox),
        sleep=sleep,
    )
    store = ShopifyStore(client, webhook_uri="http://127.0.0.1:9/webhooks/shopify", sleep=sleep)
    return ShopifyConnection(client, store, tokens, credentials, sleeps)


def now(sandbox: Sandbox) -> datetime:
    return sandbox.clock.now()


def woo_store(sandbox: Sandbox, repaired: list[bool] | None = None) -> WooCommerceStore:
    return WooCommerceStore(
        WooCredentials(sandbox.url, *KEYS),
        WebhookTarget(DELIVERY, "s3cretS3cret"),
        on_webhooks_repaired=(lambda: repaired.append(True)) if repaired is not None else None,
        clock=lambda: now(sandbox),
    )


@dataclass
class Recorder:
    """A transport that records what the store sends and answers with `status`."""

    status: int = 200
    posts: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.posts.append((url, body, headers))
        return self.status
