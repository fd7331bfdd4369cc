"""Merchant API: CSV exports of referrals and of the ledger; privacy data-request exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

from flask import Blueprint, Response, g, jsonify
from sqlalchemy import select

from passiton.app.web.current import current_runtime
from passiton.app.web.merchant.api_shapes import DataExports, DataExportView
from passiton.app.web.merchant.auth import merchant_required
from passiton.core.models import DataExport
from passiton.core.services import reports

bp = Blueprint("exports", __name__)

REFERRAL_COLUMNS = (
    "id", "created_at", "status", "friend_email", "order_id", "order_subtotal",
    "points_pending", "points_approved", "points_clawed_back", "review_reason",
    "settings_version", "converted_at", "approved_at",
)  # fmt: skip
LEDGER_COLUMNS = (
    "id", "created_at", "kind", "customer_id", "referral_code", "email", "referral_id",
    "pending_delta", "available_delta",
)  # fmt: skip
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_DATA_EXPORTS = 500


@bp.get("/exports/referrals.csv")
@merchant_required
def referrals_csv() -> Response:
    shop_id: int = g.shop_id
    # The body is streamed after the view returns, outside the application context.
    sessions = current_runtime().db.sessions

    def rows() -> Iterator[Iterable[object]]:
        with sessions() as session:
            for r in reports.all_referrals(session, shop_id):
                yield (
                    r.id, r.created_at, r.status.value, r.friend_email, r.order_id,
                    r.order_subtotal, r.points_pending, r.points_approved, r.points_clawed_back,
                    r.review_reason, r.settings_version, r.converted_at, r.approved_at,
                )  # fmt: skip

    return _csv_response("referrals", REFERRAL_COLUMNS, rows)


@bp.get("/exports/ledger.csv")
@merchant_required
def ledger_csv() -> Response:
    shop_id: int = g.shop_id
    sessions = current_runtime().db.sessions

    def rows() -> Iterator[Iterable[object]]:
        with sessions() as session:
            for row in reports.all_ledger_rows(session, shop_id):
                e = row.entry
                yield (
                    e.id, e.created_at, e.kind.value, e.customer_id, row.referral_code,
                    row.email, e.referral_id, e.pending_delta, e.available_delta,
                )  # fmt: skip

    return _csv_response("ledger", LEDGER_COLUMNS, rows)


def _csv_response(
    name: str, columns: tuple[str, ...], rows: Callable[[], Iterator[Iterable[object]]]
) -> Response:
    # Streamed: a shop's full history can be long, and the rows are read in batches.
    def body() -> Iterator[str]:
        yield _line(columns)
        for row in rows():
            yield _line(row)

    stamp = datetime.now(UTC).strftime("%Y%m%d")
    response = Response(body(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


def _line(values: Iterable[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_cell(v) for v in values])
    return buffer.getvalue()


def csv_cell(value: object) -> str:
    """One cell: empty for None, ISO dates, and text that cannot run as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


@bp.get("/data-exports")
@merchant_required
def data_exports() -> Response:
    """Customer data gathered for privacy data requests, newest first, for the merchant to send."""
    with current_runtime().db.sessions() as session:
        rows = session.scalars(
            select(DataExport)
            .where(DataExport.shop_id == g.shop_id)
            .order_by(DataExport.id.desc())
            .limit(MAX_DATA_EXPORTS)
        ).all()
        answer = DataExports(
            exports=[
                DataExportView(id=r.id, requested_at=r.requested_at, data=r.payload) for r in rows
            ]
        )
    return jsonify(answer.to_json())
