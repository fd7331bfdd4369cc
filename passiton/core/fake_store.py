"""An in-memory store implementing StorePort, for tests, the sandbox and local development."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from passiton.core.events import OrderState, ShopFacts
from passiton.core.ports import BulkCodesResult, RestrictedCodeSpec, StoreError, StoreShop
from passiton.core.program_settings import FriendOfferSpec


@dataclass
class FakeStore:
    """One shop's store. Codes are case-insensitive, as on both real platforms."""

    shop: StoreShop
    offers: dict[str, FriendOfferSpec] = field(default_factory=dict)
    friend_codes: dict[str, str] = field(default_factory=dict)
    """code → offer ref"""
    restricted: dict[str, RestrictedCodeSpec] = field(default_factory=dict)
    deactivated: set[str] = field(default_factory=set)
    orders: list[OrderState] = field(default_factory=list)
    webhooks_registered: int = 0
    facts: ShopFacts = field(default_factory=ShopFacts)
    calls: int = 0
    fail_next: list[StoreError] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _call(self) -> None:
        with self._lock:
            self.calls += 1
            if self.fail_next:
                raise self.fail_next.pop(0)

    def create_friend_codes(
        self, offer_ref: str | None, offer: FriendOfferSpec, codes: Sequence[str]
    ) -> BulkCodesResult:
        self._call()
        if len(codes) > 100:
            raise StoreError("at most 100 codes per call", retryable=False)
        with self._lock:
            if offer_ref is None:
                offer_ref = f"offer-{next(self._ids)}"
                self.offers[offer_ref] = offer
            for code in codes:
                self.friend_codes.setdefault(code.upper(), offer_ref)
        return BulkCodesResult(offer_ref=offer_ref, created=tuple(codes))

    def create_restricted_code(self, spec: RestrictedCodeSpec) -> str:
        self._call()
        with self._lock:
            self.restricted.setdefault(spec.code.upper(), spec)
        return f"code-{spec.code.upper()}"

    def deactivate_codes(self, offer_ref: str | None, codes: Sequence[str]) -> None:
        self._call()
        with self._lock:
            self.deactivated.update(code.upper() for code in codes)

    def orders_modified_since(self, since: datetime) -> Iterator[OrderState]:
        self._call()
        matching = [o for o in self.orders if o.updated_at >= since]
        yield from sorted(matching, key=lambda o: o.updated_at)

    def register_webhooks(self) -> None:
        self._call()
        self.webhooks_registered += 1

    def shop_facts(self) -> ShopFacts:
        self._call()
        return self.facts

    def has_usable_code(self, code: str) -> bool:
        key = code.upper()
        known = key in self.friend_codes or key in self.restricted
        return known and key not in self.deactivated


@dataclass
class FakeStoreDirectory:
    """Hands out one FakeStore per shop, created on first use."""

    stores: dict[int, FakeStore] = field(default_factory=dict)

    def store_for(self, shop: StoreShop) -> FakeStore:
        if shop.shop_id not in self.stores:
            self.stores[shop.shop_id] = FakeStore(shop)
        return self.stores[shop.shop_id]
