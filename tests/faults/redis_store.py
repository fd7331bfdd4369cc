"""A fake store whose state lives in Redis, so that several processes (and a killed one) share it.

It counts, per code, the calls that asked for it and the ones that really created it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import datetime

import redis

from passiton.core.events import OrderState, ShopFacts
from passiton.core.ports import BulkCodesResult, RestrictedCodeSpec, StoreShop
from passiton.core.program_settings import FriendOfferSpec


class RedisStore:
    """StorePort over Redis hashes; every call first waits `delay` seconds, like a slow API."""

    def __init__(self, client: redis.Redis, shop: StoreShop, delay: float) -> None:
        self._redis = client
        self._prefix = f"store:{shop.shop_id}"
        self._delay = delay

    def create_friend_codes(
        self, offer_ref: str | None, offer: FriendOfferSpec, codes: Sequence[str]
    ) -> BulkCodesResult:
        time.sleep(self._delay)
        ref = offer_ref or f"offer-{self._redis.incr(f'{self._prefix}:ids')}"
        for code in codes:
            self._create(code.upper(), ref)
        return BulkCodesResult(offer_ref=ref, created=tuple(codes))

    def create_restricted_code(self, spec: RestrictedCodeSpec) -> str:
        time.sleep(self._delay)
        self._create(spec.code.upper(), str(spec.amount))
        return f"code-{spec.code.upper()}"

    def deactivate_codes(self, offer_ref: str | None, codes: Sequence[str]) -> None:
        time.sleep(self._delay)

    def orders_modified_since(self, since: datetime) -> Iterator[OrderState]:
        return iter(())

    def register_webhooks(self) -> None:
        time.sleep(self._delay)

    def shop_facts(self) -> ShopFacts:
        time.sleep(self._delay)
        return ShopFacts()

    def _create(self, key: str, value: str) -> None:
        self._redis.hincrby(f"{self._prefix}:requests", key, 1)
        if self._redis.hsetnx(f"{self._prefix}:codes", key, value):
            self._redis.hincrby(f"{self._prefix}:creations", key, 1)

    def codes(self) -> set[str]:
        return {_text(k) for k in self._redis.hkeys(f"{self._prefix}:codes")}

    def creations(self) -> dict[str, int]:
        raw = self._redis.hgetall(f"{self._prefix}:creations")
        return {_text(k): int(v) for k, v in raw.items()}

    def requests(self) -> dict[str, int]:
        raw = self._redis.hgetall(f"{self._prefix}:requests")
        return {_text(k): int(v) for k, v in raw.items()}


def _text(key: bytes | str) -> str:
    return key.decode() if isinstance(key, bytes) else key


class RedisStoreDirectory:
    def __init__(self, url: str, delay: float = 0.0) -> None:
        self._redis = redis.Redis.from_url(url)
        self._delay = delay

    def store_for(self, shop: StoreShop) -> RedisStore:
        return RedisStore(self._redis, shop, self._delay)
