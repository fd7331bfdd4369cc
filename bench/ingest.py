"""Webhook ingest under gunicorn: Passiton on SQLite and PostgreSQL vs a bare HMAC-only endpoint.

Every target runs under the same gunicorn settings (3 gthread workers x 4 threads) and receives the
same signed Shopify deliveries (all distinct: each one is accepted, none is a duplicate) from 16
concurrent connections, sent by wrk (`apt-get install wrk`): a load generator in C takes little
of the CPU the server needs, where one in Python took about as much as the server. The response
path only records deliveries; for Passiton the benchmark then starts a task worker and times how
long it takes to apply them all (the drain), which is the throughput of the work moved off the
response path.
Run: `python -m bench.ingest [--requests N]`.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from bench.measure import machine, postgres, table
from passiton.app import migrate
from passiton.app.database import Database
from passiton.core.models import WebhookDelivery
from tests.faults.processes import gunicorn, task_worker
from tests.faults.world import SHOPIFY_SECRET, Delivery, build_world, deliveries
from tests.support.servers import start_redis

PASSITON = "passiton.app.factory:create_app()"
CONNECTIONS = 16
WORKERS = 3
TASK_THREADS = 4
WRK_THREADS = 2
WARM_UP = 1000
SCRIPT = Path(__file__).with_name("deliveries.lua")
SIGNED_HEADERS = (
    "X-Shopify-Hmac-Sha256",
    "X-Shopify-Topic",
    "X-Shopify-Webhook-Id",
    "X-Shopify-Shop-Domain",
)


@dataclass(frozen=True)
class Load:
    """What wrk measured: requests per second and latency percentiles in milliseconds."""

    requests: int
    rps: float
    p50: float
    p99: float


def run(base: str, storm: Sequence[Delivery], var: Path, seconds: int, *, repeats: bool) -> Load:
    """Send deliveries for `seconds` with wrk after a short warm-up on deliveries of their own.

    Unless `repeats` is allowed (the bare endpoint does the same work for a duplicate), a
    measurement that ran out of distinct deliveries is refused rather than reported.
    """
    warm, measured = storm[:WARM_UP], storm[WARM_UP:]
    wrk(base, warm, var / "warm.tsv", seconds=2)
    load = wrk(base, measured, var / "measured.tsv", seconds=seconds)
    if not repeats and load.requests > len(measured):
        raise RuntimeError(f"{load.requests} requests for {len(measured)} deliveries: add more")
    return load


def wrk(base: str, storm: Sequence[Delivery], path: Path, seconds: int) -> Load:
    with path.open("w") as out:
        for delivery in storm:
            body, headers = delivery.signed()
            fields = [headers[h] for h in SIGNED_HEADERS] + [body.decode()]
            out.write("\t".join(fields) + "\n")
    finished = subprocess.run(
        [
            "wrk",
            f"--threads={WRK_THREADS}",
            f"--connections={CONNECTIONS}",
            f"--duration={seconds}s",
            "--timeout=30s",
            f"--script={SCRIPT}",
            base,
        ],
        env={**os.environ, "DELIVERIES": str(path), "THREADS": str(WRK_THREADS)},
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(
        r"RESULT requests=(\d+) seconds=([\d.]+) p50=([\d.]+) p99=([\d.]+) "
        r"non2xx=(\d+) failed=(\d+)",
        finished.stdout,
    )
    if found is None:
        raise RuntimeError(f"wrk printed no result:\n{finished.stdout}\n{finished.stderr}")
    requests, elapsed, p50, p99, non_2xx, failed = found.groups()
    if int(non_2xx) or int(failed):
        raise RuntimeError(f"{non_2xx} answers were not 2xx and {failed} requests failed")
    return Load(int(requests), int(requests) / float(elapsed), float(p50), float(p99))


def target(
    url: str, count: int, seconds: int, app: str | None, var: Path, queue_url: str
) -> tuple[Load, Drain | None]:
    """Ingest figures, plus for Passiton how fast a task worker applies what was recorded."""
    db = Database(url)
    try:
        world = build_world(db, referrers=20, friends=200, others=count // 2, seed=7)
        unique = list({d.key: d for d in deliveries(world, total=count * 3, seed=11)}.values())
        if len(unique) < count:
            raise RuntimeError(f"the generated world has {len(unique)} deliveries, not {count}")
        env = {
            "PASSITON_DATABASE_URL": url,
            "PASSITON_QUEUE_URL": queue_url,
            "PASSITON_SECRET_KEY": "bench-secret-key",
            "PASSITON_VAR_DIR": str(var),
            "SHOPIFY_API_KEY": "bench-client-id",
            "SHOPIFY_API_SECRET": SHOPIFY_SECRET,
        }
        with gunicorn(env, workers=WORKERS, app=app or PASSITON) as base:
            load = run(base, unique[:count], var, seconds, repeats=app is not None)
        if app is not None:
            return load, None
        return load, drain(db, env)
    finally:
        db.dispose()


@dataclass(frozen=True)
class Drain:
    deliveries: int
    seconds: float


def drain(db: Database, env: dict[str, str]) -> Drain:
    """How long a task worker takes from its start until every recorded delivery is applied."""
    with db.sessions() as session:
        recorded = int(session.scalar(select(func.count()).select_from(WebhookDelivery)) or 0)
    start = time.perf_counter()
    with task_worker(env, threads=TASK_THREADS):
        while unapplied(db):
            time.sleep(0.1)
    return Drain(recorded, time.perf_counter() - start)


def unapplied(db: Database) -> int:
    with db.sessions() as session:
        query = select(func.count()).where(WebhookDelivery.applied_at.is_(None))
        return int(session.scalar(query) or 0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per target")
    parser.add_argument("--deliveries", type=int, default=12_000, help="distinct deliveries")
    args = parser.parse_args()
    count, seconds = args.deliveries, args.seconds
    print(machine())
    var = Path(tempfile.mkdtemp(prefix="passiton-bench-"))
    results: dict[str, tuple[Load, Drain | None]] = {}
    sqlite_url = f"sqlite:///{var / 'passiton.db'}"
    migrate.upgrade(sqlite_url)
    results["bare Flask, HMAC only (baseline)"] = target(
        sqlite_url,
        count,
        seconds,
        "bench.bare_app:create_bare_app()",
        var,
        f"sqlite:///{var}/q-bare.db",
    )
    results["Passiton on SQLite"] = target(
        sqlite_url, count, seconds, None, var, f"sqlite:///{var}/q.db"
    )
    with postgres() as pg_url:
        results["Passiton on PostgreSQL, SQLite queue"] = target(
            pg_url, count, seconds, None, var, f"sqlite:///{var}/q-pg.db"
        )
    # The production layout: PostgreSQL with the queue on Redis (a fresh database and server).
    redis = start_redis(var / "redis")
    try:
        with postgres() as pg_url:
            results["Passiton on PostgreSQL + Redis"] = target(
                pg_url, count, seconds, None, var, redis.url
            )
    finally:
        redis.stop()
    print_results(results, seconds)


def print_results(results: dict[str, tuple[Load, Drain | None]], seconds: int) -> None:
    base_rps = results["bare Flask, HMAC only (baseline)"][0].rps
    rows = [
        [
            name,
            f"{load.rps:.0f}",
            f"{load.rps / base_rps:.0%}",
            f"{load.p50:.1f}",
            f"{load.p99:.1f}",
            "-"
            if applied is None
            else f"{applied.deliveries} in {applied.seconds:.1f} s "
            f"({applied.deliveries / applied.seconds:.0f}/s)",
        ]
        for name, (load, applied) in results.items()
    ]
    print(
        f"\n{seconds} s per target after a 2 s warm-up; {CONNECTIONS} connections from wrk", end=""
    )
    print(f" ({WRK_THREADS} threads); gunicorn {WORKERS} gthread workers x 4 threads")
    print(f"apply: one task worker process, {TASK_THREADS} threads, started after the ingest")
    headers = ["target", "req/s", "vs baseline", "p50 ms", "p99 ms", "apply all (rate)"]
    print(table(headers, rows))
    print("target: PostgreSQL + Redis >= 60 % of the baseline's throughput, p99 <= 50 ms")


if __name__ == "__main__":
    main()
