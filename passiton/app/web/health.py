"""`GET /healthz` for the web role and `GET /healthz/queue` for monitoring the task workers.

`/healthz` answers 503 only when this process cannot serve: its database or queue store is
unreachable. A dead or missing task worker is reported as fields but keeps it at 200, because
a load balancer that took the web role out of rotation for a backlog would stop webhook intake,
and WooCommerce never retries a delivery it could not make. `/healthz/queue` is the alarm for
a queue nobody consumes: 503 with the reason when no worker has beaten recently.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text

from passiton.app.runtime import Runtime
from passiton.app.tasks.heartbeat import STALE_AFTER, last_beat
from passiton.core.services.deliveries import oldest_unapplied_received_at

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    runtime: Runtime = current_app.extensions["passiton"]
    report: dict[str, Any] = {"status": "ok", "database": "ok", "queue": "ok"}
    try:
        with runtime.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database is the answer, not an error
        report["database"] = "down"
    try:
        runtime.huey.pending_count()
    except Exception:  # same for the queue store
        report["queue"] = "down"
    report.update(_workers(runtime))
    if "down" in (report["database"], report["queue"]):
        report["status"] = "down"
        return jsonify(report), 503
    return jsonify(report), 200


@bp.get("/healthz/queue")
def healthz_queue() -> tuple[Response, int]:
    runtime: Runtime = current_app.extensions["passiton"]
    report: dict[str, Any] = {"status": "ok", **_workers(runtime)}
    if report["worker"] != "ok":
        report["status"] = "down"
        report["reason"] = _reason(report)
        return jsonify(report), 503
    return jsonify(report), 200


def _workers(runtime: Runtime) -> dict[str, Any]:
    """The task workers' state: ok, missing (no beat within STALE_AFTER) or unknown."""
    fields: dict[str, Any] = {
        "worker": "unknown",
        "worker_seen_seconds_ago": None,
        "oldest_unapplied_delivery_seconds": None,
    }
    try:
        seen = last_beat(runtime.huey)
    except Exception:  # the queue store is down: nobody can tell whether workers run
        seen = None
    else:
        if seen is None:
            fields["worker"] = "missing"
        else:
            ago = max(time.time() - seen, 0.0)
            fields["worker_seen_seconds_ago"] = round(ago, 1)
            fields["worker"] = "ok" if ago <= STALE_AFTER else "missing"
    try:
        with runtime.db.sessions() as session:
            oldest = oldest_unapplied_received_at(session)
    except Exception:  # the database is down; /healthz says so
        oldest = None
    if oldest is not None:
        age = (datetime.now(UTC) - oldest).total_seconds()
        fields["oldest_unapplied_delivery_seconds"] = round(max(age, 0.0), 1)
    return fields


def _reason(report: dict[str, Any]) -> str:
    if report["worker"] == "unknown":
        return "the queue store is unreachable, so no task worker can be seen"
    if report["worker_seen_seconds_ago"] is None:
        return "no task worker has ever been seen on this queue"
    return (
        f"no task worker seen for {report['worker_seen_seconds_ago']:.0f} s "
        f"(a worker beats every few seconds; stale after {STALE_AFTER:.0f} s)"
    )
