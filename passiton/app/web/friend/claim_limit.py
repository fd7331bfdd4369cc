"""A per-visitor limit on friend claims, so one visitor cannot drain a shop's code pool.

Counted with the `limits` library's moving window in the storage `rate_limit_storage` chooses:
this process's memory when embedded, Redis shared by every web process beside a Redis queue. If
Redis cannot be reached, the process counts on its own, as a single process always does, rather
than refusing every claim or letting every claim through.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)

CLAIMS_PER_VISITOR = parse("10 per 10 minutes")
KEY_PREFIX = "passiton-claims"
_SCOPE = "claim"


class ClaimLimit:
    """At most `item` claims per visitor in any window of its length."""

    def __init__(self, storage: Storage, item: RateLimitItem = CLAIMS_PER_VISITOR) -> None:
        self.storage = storage
        self._item = item
        self._limiter = MovingWindowRateLimiter(storage)
        self._fallback = (
            None if isinstance(storage, MemoryStorage) else ClaimLimit(MemoryStorage(), item)
        )

    def allow(self, visitor: str) -> bool:
        """Record a claim by `visitor` and say whether it is within the limit."""
        try:
            return self._limiter.hit(self._item, _SCOPE, visitor)
        except StorageError as error:
            return self._degraded(error).allow(visitor)

    def retry_after(self, visitor: str) -> int:
        """Seconds until `visitor` may claim again (0 if they may now)."""
        try:
            if self._limiter.test(self._item, _SCOPE, visitor):
                return 0
            reset = self._limiter.get_window_stats(self._item, _SCOPE, visitor).reset_time
        except StorageError as error:
            return self._degraded(error).retry_after(visitor)
        return max(1, math.ceil(reset - time.time()))

    def _degraded(self, error: StorageError) -> ClaimLimit:
        if self._fallback is None:
            raise error
        log.warning("claim limit counted in this process only: %s", error)
        return self._fallback
