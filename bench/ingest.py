"""Webhook ingest under gunicorn: Passiton on SQLite and PostgreSQL vs a bare HMAC-only endpoint.

Every target runs under the same gunicorn settings (3 gthread workers x 4 threads) and receives the
same signed Shopify deliveries (all distinct: each one is accepted, none is a duplicate) from 16
concurrent connections. The response path only records deliveries; for Passiton the benchmark
then starts a task worker and times how long it takes to apply them all (the drain), which is
the throughput of the work moved off the response path.
Run: `python -m bench.ingest [--requests N]`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import requests
from sqlalchemy import func, select

from bench.measure import machine, percentile, postgres, table
from passiton.app import migrate
from passiton.app.database import Database
from passiton.core.models import WebhookDelivery
from tests.faults.processes import fan_out, gunicorn, task_worker
from tests.faults.world import SHOPIFY_SECRET, Delivery, build_world, deliveries
from tests.support.servers import start_redis

PASSITON = "passiton.app.factory:create_app()"
CONNECTIONS = 16
WORKERS = 3
TASK_THREADS = 4


def run(base: str, storm: Sequence[Delivery]) -> tuple[float, list[float]]:
    """(requests per second, latencies in ms) for sending every delivery once."""

    def send(session: requests.Session, delivery: Delivery) -> float:
        body, headers = delivery.signed()
        start = time.perf_counter()
        answer = session.post(f"{base}/webhooks/shopify", data=body, headers=headers)
        elapsed = (time.perf_counter() - start) * 1000
        if answer.status_code != 200:
            raise RuntimeError(f"{answer.status_code}: {answer.text[:200]}")
        return elapsed

    warm = storm[: CONNECTIONS * 4]
    fan_out(warm, send, CONNECTIONS)
    start = time.perf_counter()
    latencies = fan_out(storm[len(warm) :], send, CONNECTIONS)
    return len(latencies) / (time.perf_counter() - start), latencies


def target(
    url: str, count: int, app: str | None, var: Path, queue_url: str
) -> tuple[float, list[float], float | None]:
    """Ingest figures, plus for Passiton the seconds a task worker takes to apply everything."""
    db = Database(url)
    try:
        world = build_world(db, referrers=20, friends=200, others=count // 2, seed=7)
        unique = list({d.key: d for d in deliveries(world, total=count * 2, seed=11)}.values())
        if len(unique) < count:
            raise RuntimeError("the generated world has too few deliveries")
        env = {
            "PASSITON_DATABASE_URL": url,
            "PASSITON_QUEUE_URL": queue_url,
            "PASSITON_SECRET_KEY": "bench-secret-key",
            "PASSITON_VAR_DIR": str(var),
            "SHOPIFY_API_KEY": "bench-client-id",
            "SHOPIFY_API_SECRET": SHOPIFY_SECRET,
        }
        with gunicorn(env, workers=WORKERS, app=app or PASSITON) as base:
            rps, latencies = run(base, unique[:count])
        if app is not None:
            return rps, latencies, None
        return rps, latencies, drain(db, env)
    finally:
        db.dispose()


def drain(db: Database, env: dict[str, str]) -> float:
    """Seconds from starting a task worker until every recorded delivery is applied."""
    start = time.perf_counter()
    with task_worker(env, threads=TASK_THREADS):
        while unapplied(db):
            time.sleep(0.1)
    return time.perf_counter() - start


def unapplied(db: Database) -> int:
    with db.sessions() as session:
        query = select(func.count()).where(WebhookDelivery.applied_at.is_(None))
        return int(session.scalar(query) or 0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    count = parser.parse_args().requests
    print(machine())
    var = Path(tempfile.mkdtemp(prefix="passiton-bench-"))
    results: dict[str, tuple[float, list[float], float | None]] = {}
    sqlite_url = f"sqlite:///{var / 'passiton.db'}"
    migrate.upgrade(sqlite_url)
    results["bare Flask, HMAC only (baseline)"] = target(
        sqlite_url, count, "bench.bare_app:create_bare_app()", var, f"sqlite:///{var}/q-bare.db"
    )
    results["Passiton on SQLite"] = target(sqlite_url, count, None, var, f"sqlite:///{var}/q.db")
    with postgres() as pg_url:
        results["Passiton on PostgreSQL, SQLite queue"] = target(
            pg_url, count, None, var, f"sqlite:///{var}/q-pg.db"
        )
    # The production layout: PostgreSQL with the queue on Redis (a fresh database and server).
    redis = start_redis(var / "redis")
    try:
        with postgres() as pg_url:
            results["Passiton on PostgreSQL + Redis"] = target(pg_url, count, None, var, redis.url)
    finally:
        redis.stop()
    base_rps = results["bare Flask, HMAC only (baseline)"][0]
    rows = [
        [
            name,
            f"{rps:.0f}",
            f"{rps / base_rps:.0%}",
            f"{percentile(lat, 50):.1f}",
            f"{percentile(lat, 99):.1f}",
            "-" if seconds is None else f"{seconds:.1f} s ({count / seconds:.0f}/s)",
        ]
        for name, (rps, lat, seconds) in results.items()
    ]
    print(f"\n{count} deliveries, {CONNECTIONS} connections, gunicorn {WORKERS} gthread workers")
    print(f"apply: one task worker process, {TASK_THREADS} threads, started after the ingest")
    headers = ["target", "req/s", "vs baseline", "p50 ms", "p99 ms", "apply all (rate)"]
    print(table(headers, rows))
    print("target: PostgreSQL + Redis >= 60 % of the baseline's throughput, p99 <= 50 ms")


if __name__ == "__main__":
    main()
