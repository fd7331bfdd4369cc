"""Login throttling across web processes, counted in a real Redis when the queue is on Redis."""

from __future__ import annotations

import secrets

import pytest

from passiton.app.factory import create_app
from passiton.app.web.merchant.login_throttle import KEY_PREFIX, LoginThrottle
from passiton.app.web.rate_limit_storage import redis_limit_storage
from tests.conftest import RuntimeFactory
from tests.support.servers import RedisServer, free_port
from tests.woocommerce.merchant_browser import csrf, login, signup


def test_failures_seen_by_one_process_throttle_the_client_in_another(
    make_runtime: RuntimeFactory, sqlite_url: str, redis_server: RedisServer
) -> None:
    runtime = make_runtime(sqlite_url, queue_url=redis_server.url)
    first, second = (
        create_app(runtime=runtime).test_client(),
        create_app(runtime=runtime).test_client(),
    )
    email = f"owner-{secrets.token_hex(4)}@shop.example"
    attacker = "10." + ".".join(str(b) for b in secrets.token_bytes(3))
    signup(first, email)
    first.post("/logout", data={"csrf_token": csrf(first)})
    for client in (first, second, first, second, first):
        assert login(client, email, "wrong-password", REMOTE_ADDR=attacker).status_code == 401

    assert login(second, email, "long-password-1", REMOTE_ADDR=attacker).status_code == 429
    assert login(second, email, "long-password-1", REMOTE_ADDR="192.0.2.1").status_code == 303


def test_without_redis_each_process_throttles_on_its_own(
    caplog: pytest.LogCaptureFixture,
) -> None:
    throttle = LoginThrottle(redis_limit_storage(f"redis://127.0.0.1:{free_port()}/0", KEY_PREFIX))
    for _ in range(5):
        assert throttle.check("owner@shop.example", "10.0.0.1") is None
        throttle.failed("owner@shop.example", "10.0.0.1")

    throttled = throttle.check("owner@shop.example", "10.0.0.1")

    assert throttled is not None
    assert throttled.retry_after > 0
    assert throttle.check("owner@shop.example", "10.0.0.2") is None
    assert "counted in this process only" in caplog.text
