"""Where the web faces' rate limits count: this process's memory, or Redis beside a Redis queue.

Embedded, one web process serves everything and its memory is the exact count. With the queue on
Redis there are several web processes (and machines), and a limit counted apart in each would be
multiplied by their number, so the counts live in that Redis. The login throttle and the claim
limit both count in the storage chosen here.
"""

from __future__ import annotations

from limits.storage import MemoryStorage, RedisStorage, Storage

from passiton.app.config import Settings


def rate_limit_storage(settings: Settings, key_prefix: str) -> Storage:
    """Redis when the queue is on Redis, else this process's memory."""
    if settings.queue_on_redis:
        return redis_limit_storage(settings.queue_url, key_prefix)
    return MemoryStorage()


def redis_limit_storage(url: str, key_prefix: str) -> RedisStorage:
    """Counts in the Redis at `url`, under `key_prefix`; its failures raise StorageError."""
    # The queue URL's unix:// scheme is spelled redis+unix:// by `limits`.
    uri = "redis+unix://" + url.removeprefix("unix://") if url.startswith("unix://") else url
    # Short timeouts: a limit that waits long on an unreachable Redis would stall the page.
    return RedisStorage(
        uri,
        key_prefix=key_prefix,
        wrap_exceptions=True,
        socket_timeout=2,
        socket_connect_timeout=2,
    )
