"""A storm of signed Shopify deliveries into a real gunicorn (several workers) on PostgreSQL.

10,000 deliveries, about 30 % of them repeats, shuffled so that refunds often arrive before their
order and old snapshots after new ones, sent over 16 connections. gunicorn (three gevent
processes, as `passiton serve` runs them, so psycopg cooperates with gevent here) records them;
two task worker processes apply them from the Redis queue meanwhile, in whatever order their
threads take them. Once the queue has drained, the ledger must come out exactly as
the reference model computes from each order's final state.
"""

from __future__ import annotations

import time
from pathlib import Path

import requests
from sqlalchemy import func, select

from passiton.app.database import Database
from passiton.core.models import WebhookDelivery
from tests.faults.processes import fan_out, gunicorn, task_worker
from tests.faults.world import (
    SHOPIFY_SECRET,
    Delivery,
    assert_ledger_matches,
    build_world,
    deliveries,
    outcome_counts,
)
from tests.support.servers import RedisServer

DELIVERIES = 10_000
CONNECTIONS = 16


def test_storm_of_duplicated_reordered_deliveries_credits_exactly_the_reference(
    pg_url: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    db = Database(pg_url)
    try:
        world = build_world(db, referrers=20, friends=200, others=2_550, seed=7)
        storm = deliveries(world, total=DELIVERIES, seed=11)
        unique = len({d.key for d in storm})
        assert 0.25 <= 1 - unique / DELIVERIES <= 0.35
        assert _refunds_ahead_of_their_order(storm) > 50

        env = {
            "PASSITON_DATABASE_URL": pg_url,
            "PASSITON_QUEUE_URL": redis_server.url,
            "PASSITON_SECRET_KEY": "fault-secret-key",
            "SHOPIFY_API_KEY": "fault-client-id",
            "SHOPIFY_API_SECRET": SHOPIFY_SECRET,
            "PASSITON_VAR_DIR": str(tmp_path / "var"),
        }
        with (
            task_worker(env, threads=2),
            task_worker(env, threads=2),
            gunicorn(env, workers=3, worker_class="gevent") as base,
        ):

            def send(session: requests.Session, delivery: Delivery) -> str:
                body, headers = delivery.signed()
                answer = session.post(f"{base}/webhooks/shopify", data=body, headers=headers)
                assert answer.status_code == 200, answer.text
                return str(answer.json()["status"])

            statuses = fan_out(storm, send, CONNECTIONS)
            _wait_until_applied(db)

        assert outcome_counts(statuses) == {
            "accepted": unique,
            "duplicate": DELIVERIES - unique,
        }
        assert _deliveries(db) == (unique, 0, 0)
        assert_ledger_matches(db, world)
    finally:
        db.dispose()


def _refunds_ahead_of_their_order(storm: list[Delivery]) -> int:
    """How many refunds/create deliveries are sent before any snapshot of their order."""
    seen_orders: set[object] = set()
    ahead = 0
    for delivery in storm:
        if delivery.topic == "refunds/create":
            ahead += delivery.body["order_id"] not in seen_orders
        else:
            seen_orders.add(delivery.body["id"])
    return ahead


def _deliveries(db: Database) -> tuple[int, int, int]:
    """(recorded, not yet applied, still holding their events)."""
    with db.sessions() as session:
        return (
            int(session.scalar(select(func.count()).select_from(WebhookDelivery)) or 0),
            int(
                session.scalar(select(func.count()).where(WebhookDelivery.applied_at.is_(None)))
                or 0
            ),
            int(
                session.scalar(select(func.count()).where(WebhookDelivery.events.is_not(None))) or 0
            ),
        )


def _wait_until_applied(db: Database) -> None:
    """Let the worker drain the queue (bounded); the assertions after it say whether it did."""
    deadline = time.monotonic() + 600
    while _deliveries(db)[1] and time.monotonic() < deadline:
        time.sleep(0.5)
