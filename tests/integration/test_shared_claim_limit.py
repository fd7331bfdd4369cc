"""The friend-claim limit across web processes, counted in a real Redis."""

from __future__ import annotations

import logging
import secrets
import time

import pytest
from limits import parse
from limits.storage import MemoryStorage, RedisStorage
from sqlalchemy import func, select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.app.web.friend.claim_limit import ClaimLimit
from passiton.app.web.rate_limit_storage import redis_limit_storage
from passiton.core.models import Platform, Referral
from tests.conftest import RuntimeFactory
from tests.faces.scenario import referrer, shop_with_key
from tests.support.servers import RedisServer, free_port


def a_client() -> str:
    """A visitor address no other test uses, so counts left in the shared Redis do not mix."""
    return "10." + ".".join(str(b) for b in secrets.token_bytes(3))


def test_two_processes_share_one_count(redis_server: RedisServer) -> None:
    first, second = (
        ClaimLimit(redis_limit_storage(redis_server.url, "passiton-claims"), parse("3/minute"))
        for _ in range(2)
    )
    visitor = a_client()

    hits = [limit.allow(visitor) for limit in (first, second, first)]
    refused = [second.allow(visitor), first.allow(visitor)]

    assert hits == [True, True, True]
    assert refused == [False, False]
    assert 0 < first.retry_after(visitor) <= 60
    assert abs(first.retry_after(visitor) - second.retry_after(visitor)) <= 1
    assert first.allow(a_client())  # another visitor has a count of their own
    assert second.retry_after(a_client()) == 0


def test_a_shared_count_forgets_hits_older_than_its_window(redis_server: RedisServer) -> None:
    first, second = (
        ClaimLimit(redis_limit_storage(redis_server.url, "passiton-claims"), parse("2/second"))
        for _ in range(2)
    )
    visitor = a_client()
    assert [first.allow(visitor), second.allow(visitor), first.allow(visitor)] == [
        True,
        True,
        False,
    ]

    time.sleep(1.1)

    assert second.retry_after(visitor) == 0
    assert second.allow(visitor)


def test_without_redis_each_process_still_limits_on_its_own(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gone = redis_limit_storage(f"redis://127.0.0.1:{free_port()}/0", "passiton-claims")
    limit = ClaimLimit(gone, parse("2/minute"))

    with caplog.at_level(logging.WARNING):
        answers = [limit.allow("10.9.9.9") for _ in range(3)]

    assert answers == [True, True, False]
    assert limit.retry_after("10.9.9.9") > 0
    assert "counted in this process only" in caplog.text


def test_web_processes_on_a_redis_queue_limit_claims_together(
    make_runtime: RuntimeFactory, pg_url: str, redis_server: RedisServer
) -> None:
    runtimes = [make_runtime(pg_url, queue_url=redis_server.url) for _ in range(2)]
    apps = [create_app(runtime=runtime) for runtime in runtimes]
    assert all(
        isinstance(app.extensions["passiton.claim_limiter"].storage, RedisStorage) for app in apps
    )
    shop = shop_with_key(runtimes[0], "ring-shop.myshopify.com", platform=Platform.SHOPIFY)
    code = referrer(runtimes[0], shop.shop_id, "anna@example.com", "Anna")
    clients = [app.test_client() for app in apps]
    visitor = {"REMOTE_ADDR": a_client()}

    answers = [
        clients[n % 2].post(f"/r/{code}", data={"email": f"f{n}@ex.com"}, environ_base=visitor)
        for n in range(11)
    ]

    assert [a.status_code for a in answers] == [303] * 10 + [429]
    assert _referrals(runtimes[0]) == 10


def test_an_embedded_server_counts_in_memory(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    app = create_app(runtime=make_runtime(sqlite_url))
    assert isinstance(app.extensions["passiton.claim_limiter"].storage, MemoryStorage)


def _referrals(runtime: Runtime) -> int:
    with runtime.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Referral)) or 0)
