"""A FakeStore whose API calls fail at random, and which counts what it really created."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from passiton.core.fake_store import FakeStore
from passiton.core.ports import BulkCodesResult, RestrictedCodeSpec, StoreError, StoreShop
from passiton.core.program_settings import FriendOfferSpec


@dataclass
class FlakyStore(FakeStore):
    """Each call fails (retryable, before doing anything) with probability `failure_rate`."""

    failure_rate: float = 0.2
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    creations: Counter[str] = field(default_factory=Counter)
    """code → times a call created it (a code that already existed is not created again)."""
    requests: Counter[str] = field(default_factory=Counter)
    """code → successful calls that asked for it, replays of an existing code included."""
    failures: int = 0

    def _call(self) -> None:
        super()._call()
        with self._lock:
            if self.rng.random() < self.failure_rate:
                self.failures += 1
                raise StoreError("503 Service Unavailable (injected)", retryable=True)

    def create_friend_codes(
        self, offer_ref: str | None, offer: FriendOfferSpec, codes: Sequence[str]
    ) -> BulkCodesResult:
        self._call()
        with self._lock:
            if offer_ref is None:
                offer_ref = f"offer-{next(self._ids)}"
                self.offers[offer_ref] = offer
            for code in codes:
                key = code.upper()
                self.requests[key] += 1
                if key not in self.friend_codes:
                    self.friend_codes[key] = offer_ref
                    self.creations[key] += 1
        return BulkCodesResult(offer_ref=offer_ref, created=tuple(codes))

    def create_restricted_code(self, spec: RestrictedCodeSpec) -> str:
        self._call()
        key = spec.code.upper()
        with self._lock:
            self.requests[key] += 1
            if key not in self.restricted:
                self.restricted[key] = spec
                self.creations[key] += 1
        return f"code-{key}"


@dataclass
class FlakyStoreDirectory:
    failure_rate: float = 0.2
    seed: int = 0
    stores: dict[int, FlakyStore] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def store_for(self, shop: StoreShop) -> FlakyStore:
        with self._lock:
            if shop.shop_id not in self.stores:
                self.stores[shop.shop_id] = FlakyStore(
                    shop,
                    failure_rate=self.failure_rate,
                    rng=random.Random(self.seed + shop.shop_id),
                )
            return self.stores[shop.shop_id]
