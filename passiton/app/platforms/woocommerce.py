"""Wiring WooCommerce into the runtime: the webhook connector and the store client factory."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from huey.api import Huey

from passiton.app.config import Settings
from passiton.app.database import Database
from passiton.app.platforms.woocommerce_tasks import register_grant_tasks
from passiton.app.stores import PlatformStores
from passiton.app.tasks.jobs import Tasks
from passiton.app.vault import Vault
from passiton.connectors.woocommerce.client import WebhookTarget, WooCommerceStore
from passiton.connectors.woocommerce.rest import WooCredentials
from passiton.connectors.woocommerce.webhooks import PLATFORM, WooCommerceWebhooks
from passiton.core.models import Platform, Shop
from passiton.core.ports import StoreDirectory, StoreError, StoreShop, WebhookConnector


class WooCommerceHost(Protocol):
    """What the WooCommerce wiring reads when a store is called (the runtime is one)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def db(self) -> Database: ...

    @property
    def vault(self) -> Vault: ...

    @property
    def tasks(self) -> Tasks: ...


def install_woocommerce(
    host: WooCommerceHost,
    huey: Huey,
    connectors: dict[str, WebhookConnector],
    stores: StoreDirectory,
) -> Tasks:
    """Register the connector, the store client and the key grant tasks; returns all tasks."""
    grants = register_grant_tasks(huey, host, host.tasks)
    connectors.setdefault(PLATFORM, WooCommerceWebhooks(lambda i: webhook_secret(host, i)))
    if isinstance(stores, PlatformStores):
        stores.add(PLATFORM, lambda shop: woocommerce_store(host, shop))
    return replace(
        host.tasks,
        verify_woocommerce_grant=grants.verify,
        revoke_woocommerce_key=grants.revoke,
        sweep_woocommerce_grants=grants.sweep,
    )


def delivery_url(host: WooCommerceHost, shop_id: int) -> str:
    return f"{host.settings.app_url}/webhooks/woocommerce/{shop_id}"


def webhook_secret(host: WooCommerceHost, shop_id: int) -> str | None:
    """The store's decrypted webhook secret; None for shops that are not WooCommerce stores."""
    with host.db.sessions() as session:
        shop = session.get(Shop, shop_id)
        if shop is None or shop.platform is not Platform.WOOCOMMERCE:
            return None
        return host.vault.open_text(shop.webhook_secret)


def woocommerce_store(host: WooCommerceHost, target: StoreShop) -> WooCommerceStore:
    """A client for one connected store, with its keys decrypted for this use only."""
    with host.db.sessions() as session:
        shop = session.get(Shop, target.shop_id)
        keys = host.vault.open(shop.credentials) if shop is not None else None
        secret = host.vault.open_text(shop.webhook_secret) if shop is not None else None
    if not keys or not secret:
        raise StoreError(f"shop {target.shop_id} has no WooCommerce keys", retryable=False)
    return WooCommerceStore(
        WooCredentials(
            store_url=str(keys["store_url"]),
            consumer_key=str(keys["consumer_key"]),
            consumer_secret=str(keys["consumer_secret"]),
        ),
        WebhookTarget(delivery_url(host, target.shop_id), secret),
        on_webhooks_repaired=lambda: after_webhook_repair(host, target.shop_id),
    )


def after_webhook_repair(host: WooCommerceHost, shop_id: int) -> None:
    """Pull what the broken subscription lost, and check the repair holds soon after."""
    # WooCommerce never retries a delivery, so orders changed meanwhile must be pulled; a
    # re-activated webhook is one failure away from being disabled again.
    host.tasks.reconcile_shop(shop_id)
    host.tasks.recheck_webhooks(shop_id)
