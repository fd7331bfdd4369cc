"""The friend-claim limit shared by every web process through Redis (the production layout).

Each client's hits are a sorted set scored by time; one Lua script drops the hits older than the
window, counts the rest and records the new hit only when it is within the limit, so concurrent
processes cannot both take the last slot. If Redis cannot be reached, the process counts on its
own (`SlidingWindowLimiter`), as a single process always does, rather than refusing every claim
or letting every claim through.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable

import redis

from passiton.app.web.friend.claim_rate_limit import (
    CLAIMS_PER_WINDOW,
    WINDOW_SECONDS,
    SlidingWindowLimiter,
)

log = logging.getLogger(__name__)
KEY_PREFIX = "passiton:claims:"
_HIT = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  return 0
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, math.ceil(window * 1000))
return 1
"""


class SharedSlidingWindowLimiter:
    """At most `limit` hits per key in any `window` seconds, counted across processes."""

    def __init__(
        self,
        client: redis.Redis,
        limit: int = CLAIMS_PER_WINDOW,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limit = limit
        self.window = window
        self._client = client
        self._clock = clock
        self._hit = client.register_script(_HIT)
        self._local = SlidingWindowLimiter(limit, window)

    @classmethod
    def from_url(cls, url: str) -> SharedSlidingWindowLimiter:
        return cls(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2))

    def allow(self, key: str) -> bool:
        """Record a hit for `key` and say whether it is within the limit."""
        now = self._clock()
        member = f"{now:.6f}:{secrets.token_hex(4)}"
        try:
            allowed = self._hit(
                keys=[KEY_PREFIX + key], args=[now, self.window, self.limit, member]
            )
        except redis.RedisError as error:
            log.warning("claim limit counted in this process only: %s", error)
            return self._local.allow(key)
        return bool(allowed)

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again (0 if it may now)."""
        now = self._clock()
        try:
            inside = self._client.zrangebyscore(
                KEY_PREFIX + key, f"({now - self.window}", "+inf", withscores=True
            )
        except redis.RedisError:
            return self._local.retry_after(key)
        if len(inside) < self.limit:
            return 0
        first = float(inside[0][1])
        return max(1, int(first + self.window - now) + 1)
