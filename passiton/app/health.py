"""`GET /healthz`: the service, its database and its queue."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text

from passiton.app.runtime import Runtime

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    runtime: Runtime = current_app.extensions["passiton"]
    report = {"status": "ok", "database": "ok", "queue": "ok"}
    try:
        with runtime.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database is the answer, not an error
        report["database"] = "down"
    try:
        runtime.huey.pending_count()
    except Exception:  # same for the queue store
        report["queue"] = "down"
    if "down" in report.values():
        report["status"] = "down"
        return jsonify(report), 503
    return jsonify(report), 200
