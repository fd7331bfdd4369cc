"""A per-client limit on friend claims, so one visitor cannot drain a shop's code pool.

Counted in this process's memory, which is exact for the embedded single-server layout. With the
queue on Redis (several web processes), `shared_claim_limit` counts across processes instead.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

CLAIMS_PER_WINDOW = 10
WINDOW_SECONDS = 600.0
MAX_TRACKED = 50_000
"""Clients remembered at once; the oldest are forgotten first, so memory stays bounded."""


class ClaimLimiter(Protocol):
    def allow(self, key: str) -> bool:
        """Record a hit for `key` and say whether it is within the limit."""
        ...

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again (0 if it may now)."""
        ...


class SlidingWindowLimiter:
    """At most `limit` hits per key in any `window` seconds."""

    def __init__(
        self,
        limit: int = CLAIMS_PER_WINDOW,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Record a hit for `key` and say whether it is within the limit."""
        now = self._clock()
        with self._lock:
            hits = self._hits.pop(key, None) or deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            allowed = len(hits) < self.limit
            if allowed:
                hits.append(now)
            # Re-inserted last, so the dict's order is least recently seen first.
            self._hits[key] = hits
            while len(self._hits) > MAX_TRACKED:
                self._hits.pop(next(iter(self._hits)))
            return allowed

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again (0 if it may now)."""
        with self._lock:
            hits = self._hits.get(key)
            if not hits or len(hits) < self.limit:
                return 0
            return max(1, int(hits[0] + self.window - self._clock()) + 1)
