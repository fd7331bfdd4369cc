"""Wiring the Shopify connector into the runtime: webhook connector, store client, credentials."""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy.orm import Session

from passiton.app.config import Settings
from passiton.app.database import Database
from passiton.app.stores import PlatformStores
from passiton.app.vault import Vault
from passiton.connectors.shopify.client import MAX_THROTTLE_WAITS, ShopifyAdminClient
from passiton.connectors.shopify.store import ShopifyStore
from passiton.connectors.shopify.tokens import TIMEOUT, ShopifyCredentials, TokenEndpoint
from passiton.connectors.shopify.webhooks import ShopifyWebhooks
from passiton.core.models import Platform, Shop
from passiton.core.ports import StoreDirectory, StorePort, StoreShop, WebhookConnector
from passiton.core.services.shops import find_shop_id, install_shop


class DatabaseShopLookup:
    """ShopLookup over the shops table, remembering the shops it found.

    Every webhook needs its shop's id, and a domain's id never changes while the row exists
    (uninstalled shops keep theirs); only a redaction deletes the row, after which the
    delivery's insert fails its foreign key and the receiver calls `forget` and asks again.
    Unknown domains are not remembered, so a newly installed shop is found at once.
    Only on PostgreSQL: SQLite can give a deleted shop's id to the next new shop, and a
    remembered id would then name the wrong shop without failing any foreign key.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._known: dict[str, int] = {}
        self._remember = db.engine.dialect.name == "postgresql"

    def shop_id_for_domain(self, domain: str) -> int | None:
        known = self._known.get(domain)
        if known is not None:
            return known
        with self._db.sessions() as session:
            found = find_shop_id(session, Platform.SHOPIFY, domain)
        if found is not None and self._remember:
            self._known[domain] = found
        return found

    def forget(self) -> None:
        self._known.clear()


class VaultCredentialStore:
    """CredentialStore keeping each shop's token pair encrypted in `shops.credentials`."""

    def __init__(self, db: Database, vault: Vault) -> None:
        self._db = db
        self._vault = vault

    def load(self, shop_id: int) -> ShopifyCredentials | None:
        with self._db.sessions() as session:
            shop = session.get(Shop, shop_id)
            data = self._vault.open(shop.credentials) if shop is not None else None
        return ShopifyCredentials.from_json(data) if data else None

    def save(self, shop_id: int, credentials: ShopifyCredentials) -> None:
        sealed = self._vault.seal(credentials.to_json())
        with self._db.transaction() as session:
            shop = session.get(Shop, shop_id)
            if shop is not None:
                shop.credentials = sealed


def shopify_secrets(settings: Settings) -> tuple[str, ...]:
    return tuple(
        s for s in (settings.shopify_api_secret, settings.shopify_api_secret_previous) if s
    )


def token_endpoint(settings: Settings) -> TokenEndpoint:
    assert settings.shopify_api_key
    assert settings.shopify_api_secret
    return TokenEndpoint(
        settings.shopify_admin_url_template, settings.shopify_api_key, settings.shopify_api_secret
    )


def admin_client(
    settings: Settings,
    db: Database,
    vault: Vault,
    shop: StoreShop,
    *,
    timeout: tuple[float, float] = TIMEOUT,
    throttle_waits: int = MAX_THROTTLE_WAITS,
) -> ShopifyAdminClient:
    """The Admin GraphQL client for one Shopify shop, with its stored credentials."""
    return ShopifyAdminClient(
        shop_id=shop.shop_id,
        shop=shop.domain,
        admin_base=settings.shopify_admin_url_template.format(shop=shop.domain),
        api_version=settings.shopify_api_version,
        credentials=VaultCredentialStore(db, vault),
        tokens=token_endpoint(settings),
        timeout=timeout,
        throttle_waits=throttle_waits,
    )


def shopify_store(settings: Settings, db: Database, vault: Vault, shop: StoreShop) -> ShopifyStore:
    """The store client for one Shopify shop."""
    client = admin_client(settings, db, vault, shop)
    return ShopifyStore(
        client, webhook_uri=f"{settings.app_url}/webhooks/shopify", sleep=time.sleep
    )


def install_with_credentials(
    db: Database, vault: Vault, domain: str, credentials: ShopifyCredentials, now: datetime
) -> int:
    """Create or revive the shop and store its new credentials in one transaction."""

    def work(session: Session) -> int:
        shop = install_shop(session, platform=Platform.SHOPIFY, domain=domain, now=now)
        shop.credentials = vault.seal(credentials.to_json())
        return shop.id

    return db.run(work)


def shopify_configured(settings: Settings) -> bool:
    return bool(settings.shopify_api_key and settings.shopify_api_secret)


def wire_shopify(
    settings: Settings,
    db: Database,
    vault: Vault,
    connectors: dict[str, WebhookConnector],
    stores: StoreDirectory,
) -> None:
    """Add the Shopify webhook connector and store client when the app is configured."""
    if not shopify_configured(settings):
        return
    connectors.setdefault(
        "shopify", ShopifyWebhooks(shopify_secrets(settings), DatabaseShopLookup(db))
    )
    if isinstance(stores, PlatformStores):

        def factory(shop: StoreShop) -> StorePort:
            return shopify_store(settings, db, vault, shop)

        stores.add(Platform.SHOPIFY.value, factory)
