"""Which store client serves a shop: chosen by the shop's platform."""

from __future__ import annotations

from collections.abc import Callable

from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.ports import StoreError, StorePort, StoreShop

StoreFactory = Callable[[StoreShop], StorePort]


class PlatformStores:
    """A StoreDirectory that dispatches on the shop's platform to a per-platform factory."""

    def __init__(self, factories: dict[str, StoreFactory] | None = None) -> None:
        self._factories: dict[str, StoreFactory] = dict(factories or {})
        # The fake platform is served in memory: the sandbox and local experiments use it.
        self.fake = FakeStoreDirectory()
        self._factories.setdefault("fake", self.fake.store_for)

    def add(self, platform: str, factory: StoreFactory) -> None:
        self._factories[platform] = factory

    def store_for(self, shop: StoreShop) -> StorePort:
        factory = self._factories.get(shop.platform)
        if factory is None:
            raise StoreError(f"no store client for platform {shop.platform}", retryable=False)
        return factory(shop)
