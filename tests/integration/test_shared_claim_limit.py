"""The friend-claim limit across web processes, counted in a real Redis."""

from __future__ import annotations

import logging
import secrets

import pytest
import redis
from sqlalchemy import func, select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.app.web.friend.claim_rate_limit import SlidingWindowLimiter
from passiton.app.web.friend.shared_claim_limit import SharedSlidingWindowLimiter
from passiton.core.models import Platform, Referral
from tests.conftest import RuntimeFactory
from tests.faces.scenario import referrer, shop_with_key
from tests.support.servers import RedisServer, free_port


def a_client() -> str:
    """A visitor address no other test uses, so counts left in the shared Redis do not mix."""
    return "10." + ".".join(str(b) for b in secrets.token_bytes(3))


def test_two_processes_share_one_count(redis_server: RedisServer) -> None:
    now = [1000.0]
    first, second = (
        SharedSlidingWindowLimiter(
            redis.Redis.from_url(redis_server.url), limit=3, window=60, clock=lambda: now[0]
        )
        for _ in range(2)
    )
    visitor = a_client()

    hits = []
    for limiter in (first, second, first):
        hits.append(limiter.allow(visitor))
        now[0] += 10
    refused = [second.allow(visitor), first.allow(visitor)]

    assert hits == [True, True, True]
    assert refused == [False, False]
    assert first.retry_after(visitor) == second.retry_after(visitor) == 31  # 1000 + 60 - 1030
    assert first.allow(a_client())  # another visitor has a count of their own
    now[0] = 1060.5  # the first hit has left the window
    assert second.retry_after(visitor) == 0
    assert second.allow(visitor)
    assert not first.allow(visitor)


def test_without_redis_each_process_still_limits_on_its_own(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gone = redis.Redis(port=free_port(), socket_connect_timeout=0.5)
    limiter = SharedSlidingWindowLimiter(gone, limit=2, window=60)

    with caplog.at_level(logging.WARNING):
        answers = [limiter.allow("10.9.9.9") for _ in range(3)]

    assert answers == [True, True, False]
    assert limiter.retry_after("10.9.9.9") > 0
    assert "counted in this process only" in caplog.text


def test_web_processes_on_a_redis_queue_limit_claims_together(
    make_runtime: RuntimeFactory, pg_url: str, redis_server: RedisServer
) -> None:
    runtimes = [make_runtime(pg_url, queue_url=redis_server.url) for _ in range(2)]
    apps = [create_app(runtime=runtime) for runtime in runtimes]
    assert all(
        isinstance(app.extensions["passiton.claim_limiter"], SharedSlidingWindowLimiter)
        for app in apps
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
    assert isinstance(app.extensions["passiton.claim_limiter"], SlidingWindowLimiter)


def _referrals(runtime: Runtime) -> int:
    with runtime.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Referral)) or 0)
