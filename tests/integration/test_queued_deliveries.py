"""Webhook deliveries through a real queue: the receiver answers "accepted", a worker applies them.

The runtime here is not in immediate mode: tasks wait in a SQLite Huey queue until a consumer,
started by the test, runs them.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import Customer, LedgerEntry, Platform, WebhookDelivery
from passiton.core.services.shops import find_shop
from tests.conftest import RuntimeFactory
from tests.support.builders import balances, claim, make_referrer, make_shop
from tests.support.consumer import consumer
from tests.support.servers import free_port
from tests.support.test_connector import FakeWebhooks, sign

DOMAIN = "anna-shop.example"


def _runtime(make_runtime: RuntimeFactory, sqlite_url: str, queue_url: str) -> Runtime:
    made: list[Runtime] = []

    def shop_by_domain(domain: str) -> int | None:
        with made[0].db.sessions() as session:
            shop = find_shop(session, Platform.FAKE, domain)
            return shop.id if shop else None

    runtime = make_runtime(
        sqlite_url, stores=FakeStoreDirectory(), queue_url=queue_url, immediate_tasks=False
    )
    made.append(runtime)
    runtime.connectors["fake"] = FakeWebhooks(shop_by_domain)
    return runtime


@pytest.fixture
def queued(make_runtime: RuntimeFactory, sqlite_url: str, tmp_path: Path) -> Runtime:
    runtime = _runtime(make_runtime, sqlite_url, f"sqlite:///{tmp_path / 'tasks.db'}")
    runtime.huey.flush()
    return runtime


def post_paid(web: FlaskClient, code: str, delivery: str = "d-1") -> dict[str, object]:
    body = json.dumps(
        {
            "id": "9007199254740993",
            "updated_at": "2026-11-01T12:00:00+00:00",
            "email": "fritz@example.com",
            "total": "100.00",
            "paid": True,
            "codes": [code],
        }
    ).encode()
    headers = {
        "X-Fake-Hmac": sign(body),
        "X-Fake-Topic": "order",
        "X-Fake-Shop": DOMAIN,
        "X-Fake-Delivery": delivery,
    }
    response = web.post("/webhooks/fake", data=body, headers=headers)
    assert response.status_code == 200
    answer = response.get_json()
    assert isinstance(answer, dict)
    return answer


def referrer_with_claim(runtime: Runtime) -> tuple[Customer, str]:
    shop_id = make_shop(runtime.db, runtime.stores)  # type: ignore[arg-type]
    anna = make_referrer(runtime.db, shop_id)
    return anna, claim(runtime.db, shop_id, anna, "fritz@example.com").code


def the_delivery(runtime: Runtime) -> WebhookDelivery:
    with runtime.db.sessions() as session:
        return session.scalars(select(WebhookDelivery)).one()


def ledger_rows(runtime: Runtime) -> int:
    with runtime.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEntry)) or 0)


def wait_until_applied(runtime: Runtime) -> None:
    deadline = time.monotonic() + 30
    while the_delivery(runtime).applied_at is None and time.monotonic() < deadline:
        time.sleep(0.05)


def test_accepted_delivery_is_applied_by_the_worker_and_its_events_cleared(
    queued: Runtime,
) -> None:
    anna, code = referrer_with_claim(queued)
    answer = post_paid(create_app(runtime=queued).test_client(), code)
    assert answer["status"] == "accepted"
    assert balances(queued.db, anna.id) == (0, 0)  # nothing applied on the response path
    assert the_delivery(queued).events is not None
    assert queued.huey.pending_count() == 1

    with consumer(queued):
        wait_until_applied(queued)

    assert balances(queued.db, anna.id) == (1000, 0)
    delivery = the_delivery(queued)
    assert delivery.applied_at is not None
    assert delivery.events is None


def test_the_queue_file_holds_ids_never_the_buyers_address(queued: Runtime, tmp_path: Path) -> None:
    # The task carries the delivery's id; its events (with the address) stay in the
    # database, where a redaction can reach them. The queue file is outside its reach.
    _, code = referrer_with_claim(queued)
    assert post_paid(create_app(runtime=queued).test_client(), code)["status"] == "accepted"
    files = [p for p in tmp_path.iterdir() if p.name.startswith("tasks.db")]
    assert files
    assert queued.huey.pending_count() == 1

    waiting = [p.name for p in files if b"fritz" in p.read_bytes()]
    with consumer(queued):
        wait_until_applied(queued)
    done = [p.name for p in tmp_path.iterdir() if p.name.startswith("tasks.db")]

    assert waiting == []
    assert [name for name in done if b"fritz" in (tmp_path / name).read_bytes()] == []


def test_delivery_whose_task_was_lost_is_applied_by_the_sweep(queued: Runtime) -> None:
    anna, code = referrer_with_claim(queued)
    assert post_paid(create_app(runtime=queued).test_client(), code)["status"] == "accepted"
    queued.huey.flush()  # the task is lost
    queued.tasks.sweep.call_local()
    assert queued.huey.pending_count() == 0  # still within the grace period: not yet owed
    with queued.db.transaction() as session:
        session.execute(
            update(WebhookDelivery).values(received_at=datetime.now(UTC) - timedelta(minutes=2))
        )

    queued.tasks.sweep.call_local()  # what the scheduler runs every five minutes
    assert queued.huey.pending_count() == 1
    with consumer(queued):
        wait_until_applied(queued)

    assert balances(queued.db, anna.id) == (1000, 0)
    assert the_delivery(queued).events is None


def test_two_tasks_for_one_delivery_change_the_ledger_once(queued: Runtime) -> None:
    anna, code = referrer_with_claim(queued)
    assert post_paid(create_app(runtime=queued).test_client(), code)["status"] == "accepted"
    delivery_id = the_delivery(queued).id
    again = queued.tasks.apply_delivery(delivery_id)  # e.g. the sweep raced the first task
    assert queued.huey.pending_count() == 2

    with consumer(queued):
        again.get(blocking=True, timeout=30)
        deadline = time.monotonic() + 30
        while queued.huey.pending_count() and time.monotonic() < deadline:
            time.sleep(0.05)
    # Leaving `consumer` stops it gracefully: both tasks have finished, not only been taken.

    assert queued.huey.pending_count() == 0
    assert ledger_rows(queued) == 1
    assert balances(queued.db, anna.id) == (1000, 0)


def test_delivery_is_accepted_when_the_queue_is_down_and_left_for_the_sweep(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime = _runtime(make_runtime, sqlite_url, f"redis://127.0.0.1:{free_port()}/0")
    anna, code = referrer_with_claim(runtime)
    answer = post_paid(create_app(runtime=runtime).test_client(), code)
    assert answer["status"] == "accepted"
    delivery = the_delivery(runtime)
    assert (delivery.applied_at, delivery.events is not None) == (None, True)
    assert balances(runtime.db, anna.id) == (0, 0)
