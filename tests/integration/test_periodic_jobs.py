"""Periodic jobs pick the right shops."""

from __future__ import annotations

from passiton.app.runtime import Runtime
from passiton.core.events import ShopFacts
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import Platform, Shop
from passiton.core.ports import StoreShop
from passiton.core.services.shops import install_shop, uninstall_shop
from tests.conftest import RuntimeFactory

_SHOPS = [
    ("woo", Platform.WOOCOMMERCE),
    ("woo-gone", Platform.WOOCOMMERCE),
    ("shopify", Platform.SHOPIFY),
]


def _woo_woo_gone_and_shopify(runtime: Runtime) -> dict[str, int]:
    """Shops named by their keys: WooCommerce active and uninstalled, and a Shopify one."""
    ids = {
        name: runtime.db.run(
            lambda s, n=name, p=platform: (
                install_shop(  # type: ignore[misc]
                    s, platform=p, domain=f"https://{n}.example", name=n
                ).id
            )
        )
        for name, platform in _SHOPS
    }
    runtime.db.run(lambda s: uninstall_shop(s, ids["woo-gone"]))
    return ids


def test_webhook_check_repairs_active_woocommerce_shops_only(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    stores = FakeStoreDirectory()
    runtime = make_runtime(sqlite_url, stores=stores)
    ids = _woo_woo_gone_and_shopify(runtime)

    runtime.tasks.check_webhooks.call_local()

    registered = {
        name: stores.stores[i].webhooks_registered for name, i in ids.items() if i in stores.stores
    }
    assert registered == {"woo": 1}


def test_daily_facts_refresh_asks_active_woocommerce_stores_only(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    stores = FakeStoreDirectory()
    runtime = make_runtime(sqlite_url, stores=stores)
    ids = _woo_woo_gone_and_shopify(runtime)
    for name, platform in _SHOPS:
        stores.store_for(StoreShop(ids[name], platform.value, f"https://{name}.example", "USD"))
        stores.stores[ids[name]].facts = ShopFacts(name="Atelier Anna", currency="EUR")

    runtime.tasks.refresh_all_facts.call_local()

    with runtime.db.sessions() as session:
        shops = {n: session.get(Shop, i) for n, i in ids.items()}
        named = {n: (s.name, s.currency) for n, s in shops.items() if s is not None}
    assert named == {
        "woo": ("Atelier Anna", "EUR"),
        "woo-gone": ("woo-gone", "USD"),
        "shopify": ("shopify", "USD"),
    }
