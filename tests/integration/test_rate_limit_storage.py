"""Where the web faces' rate limits count: memory when embedded, Redis beside a Redis queue."""

from __future__ import annotations

from pathlib import Path

import pytest
from limits.storage import MemoryStorage, RedisStorage

from passiton.app.web.rate_limit_storage import rate_limit_storage
from tests.conftest import test_settings as settings_for


def test_an_embedded_server_counts_in_its_own_memory(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, "sqlite://")

    assert isinstance(rate_limit_storage(settings, "passiton-test"), MemoryStorage)


@pytest.mark.parametrize(
    "queue_url", ["redis://127.0.0.1:6399/0", "rediss://redis.example:6380/1", "unix:///run/r.sock"]
)
def test_a_redis_queue_puts_the_counts_in_redis(tmp_path: Path, queue_url: str) -> None:
    settings = settings_for(tmp_path, "sqlite://", queue_url=queue_url)

    assert isinstance(rate_limit_storage(settings, "passiton-test"), RedisStorage)
