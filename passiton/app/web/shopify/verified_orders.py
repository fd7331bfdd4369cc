"""Orders the Admin API confirmed belong to a shop, remembered per shop and order for a while.

A thank-you page renders its block more than once (reloads, the order-status page later) and
each render asks for the link; one Admin API call per order is enough. Only found orders are
kept: an order the thank-you page names before Shopify has created it is looked up again on
the extension's retry.
"""

from __future__ import annotations

import threading

from cachetools import TTLCache

from passiton.core.events import OrderState

REMEMBER_SECONDS = 600
MAX_ORDERS = 10_000


class VerifiedOrders:
    """A bounded, expiring map (shop id, Admin order id) → the order as the shop has it."""

    def __init__(self, ttl: float = REMEMBER_SECONDS, maxsize: int = MAX_ORDERS) -> None:
        self._orders: TTLCache[tuple[int, str], OrderState] = TTLCache(maxsize=maxsize, ttl=ttl)
        # cachetools caches are not thread-safe; gevent workers patch this lock.
        self._lock = threading.Lock()

    def get(self, shop_id: int, order_gid: str) -> OrderState | None:
        with self._lock:
            return self._orders.get((shop_id, order_gid))

    def put(self, shop_id: int, order_gid: str, order: OrderState) -> None:
        with self._lock:
            self._orders[(shop_id, order_gid)] = order
