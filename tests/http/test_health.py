"""`GET /healthz` names what is down; `GET /healthz/queue` alarms when no task worker runs."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from flask import request

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.app.tasks.heartbeat import STALE_AFTER, beat
from passiton.core.events import OrderDeleted
from passiton.core.models import Platform
from passiton.core.services.deliveries import record_delivery
from tests.conftest import RuntimeFactory
from tests.support.builders import make_shop
from tests.support.servers import free_port


def test_unreachable_database_gives_503_naming_it(make_runtime: RuntimeFactory) -> None:
    dead = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/passiton"
    runtime = make_runtime(dead)
    response = create_app(runtime=runtime).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "down",
        "database": "down",
        "queue": "ok",
        "worker": "missing",
        "worker_seen_seconds_ago": None,
        "oldest_unapplied_delivery_seconds": None,
    }


def test_unreachable_queue_gives_503_naming_it(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime = make_runtime(
        sqlite_url, queue_url=f"redis://127.0.0.1:{free_port()}/0", immediate_tasks=False
    )
    response = create_app(runtime=runtime).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "down",
        "database": "ok",
        "queue": "down",
        "worker": "unknown",
        "worker_seen_seconds_ago": None,
        "oldest_unapplied_delivery_seconds": None,
    }


def test_client_address_comes_from_the_proxy_only_when_trusted(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    seen: list[str | None] = []
    for hops in (0, 1):
        app = create_app(runtime=make_runtime(sqlite_url, trusted_proxies=hops))

        @app.get("/whoami")
        def whoami() -> str:

            seen.append(request.remote_addr)
            return ""

        app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen == ["127.0.0.1", "203.0.113.9"]


def test_no_worker_seen_keeps_healthz_200_and_makes_the_queue_endpoint_503(
    runtime: Runtime,
) -> None:
    web = create_app(runtime=runtime).test_client()

    health = web.get("/healthz")
    queue = web.get("/healthz/queue")

    assert health.status_code == 200
    assert health.get_json() == {
        "status": "ok",
        "database": "ok",
        "queue": "ok",
        "worker": "missing",
        "worker_seen_seconds_ago": None,
        "oldest_unapplied_delivery_seconds": None,
    }
    assert queue.status_code == 503
    answer = queue.get_json()
    assert answer["status"] == "down"
    assert answer["worker"] == "missing"
    assert answer["reason"] == "no task worker has ever been seen on this queue"


def test_a_worker_beating_now_makes_both_endpoints_200(runtime: Runtime) -> None:
    beat(runtime.huey)
    web = create_app(runtime=runtime).test_client()

    health = web.get("/healthz")
    queue = web.get("/healthz/queue")

    assert health.status_code == 200
    assert health.get_json()["worker"] == "ok"
    assert queue.status_code == 200
    assert queue.get_json()["worker"] == "ok"
    assert queue.get_json()["worker_seen_seconds_ago"] < STALE_AFTER


def test_a_worker_silent_too_long_is_missing_with_the_time_it_was_last_seen(
    runtime: Runtime,
) -> None:
    beat(runtime.huey, time.time() - STALE_AFTER - 15)
    web = create_app(runtime=runtime).test_client()

    health = web.get("/healthz")
    queue = web.get("/healthz/queue")

    assert health.status_code == 200
    assert health.get_json()["worker"] == "missing"
    assert health.get_json()["worker_seen_seconds_ago"] >= STALE_AFTER + 15
    assert queue.status_code == 503
    assert queue.get_json()["reason"].startswith("no task worker seen for 45 s")


def test_health_reports_the_age_of_the_oldest_unapplied_delivery(runtime: Runtime) -> None:
    shop_id = make_shop(runtime.db, runtime.stores)  # type: ignore[arg-type]
    received = datetime.now(UTC) - timedelta(minutes=10)
    with runtime.db.transaction() as session:
        for key, when in (("old", received), ("new", received + timedelta(minutes=5))):
            record_delivery(
                session, Platform.FAKE, shop_id, key, "orders/delete", [OrderDeleted("1")], when
            )
        record_delivery(  # applied on arrival (no events): never counts as waiting
            session, Platform.FAKE, shop_id, "ignored", "x", [], received - timedelta(hours=1)
        )

    age = create_app(runtime=runtime).test_client().get("/healthz").get_json()

    assert 600 <= age["oldest_unapplied_delivery_seconds"] < 660
