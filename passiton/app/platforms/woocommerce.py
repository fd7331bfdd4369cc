"""Wiring WooCommerce into the runtime: the webhook connector and the store client factory."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from passiton.app.platforms.woocommerce_tasks import register_grant_tasks
from passiton.app.stores import PlatformStores
from passiton.connectors.woocommerce.client import WebhookTarget, WooCommerceStore
from passiton.connectors.woocommerce.rest import WooCredentials
from passiton.connectors.woocommerce.webhooks import PLATFORM, WooCommerceWebhooks
from passiton.core.models import Platform, Shop
from passiton.core.ports import StoreError, StoreShop

if TYPE_CHECKING:
    from passiton.app.runtime import Runtime


def install_woocommerce(runtime: Runtime) -> None:
    """Register the connector, the key grant tasks and, per platform, the store client."""
    grants = register_grant_tasks(runtime)
    runtime.tasks = replace(
        runtime.tasks,
        verify_woocommerce_grant=grants.verify,
        revoke_woocommerce_key=grants.revoke,
        sweep_woocommerce_grants=grants.sweep,
    )
    runtime.connectors.setdefault(
        PLATFORM, WooCommerceWebhooks(lambda i: webhook_secret(runtime, i))
    )
    if isinstance(runtime.stores, PlatformStores):
        runtime.stores.add(PLATFORM, lambda shop: woocommerce_store(runtime, shop))


def delivery_url(runtime: Runtime, shop_id: int) -> str:
    return f"{runtime.settings.app_url}/webhooks/woocommerce/{shop_id}"


def webhook_secret(runtime: Runtime, shop_id: int) -> str | None:
    """The store's decrypted webhook secret; None for shops that are not WooCommerce stores."""
    with runtime.db.sessions() as session:
        shop = session.get(Shop, shop_id)
        if shop is None or shop.platform is not Platform.WOOCOMMERCE:
            return None
        return runtime.vault.open_text(shop.webhook_secret)


def woocommerce_store(runtime: Runtime, target: StoreShop) -> WooCommerceStore:
    """A client for one connected store, with its keys decrypted for this use only."""
    with runtime.db.sessions() as session:
        shop = session.get(Shop, target.shop_id)
        keys = runtime.vault.open(shop.credentials) if shop is not None else None
        secret = runtime.vault.open_text(shop.webhook_secret) if shop is not None else None
    if not keys or not secret:
        raise StoreError(f"shop {target.shop_id} has no WooCommerce keys", retryable=False)
    return WooCommerceStore(
        WooCredentials(
            store_url=str(keys["store_url"]),
            consumer_key=str(keys["consumer_key"]),
            consumer_secret=str(keys["consumer_secret"]),
        ),
        WebhookTarget(delivery_url(runtime, target.shop_id), secret),
        on_webhooks_repaired=lambda: after_webhook_repair(runtime, target.shop_id),
    )


def after_webhook_repair(runtime: Runtime, shop_id: int) -> None:
    """Pull what the broken subscription lost, and check the repair holds soon after."""
    # WooCommerce never retries a delivery, so orders changed meanwhile must be pulled; a
    # re-activated webhook is one failure away from being disabled again.
    runtime.tasks.reconcile_shop(shop_id)
    runtime.tasks.recheck_webhooks(shop_id)
