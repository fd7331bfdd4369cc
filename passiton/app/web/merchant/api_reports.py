"""Merchant API: the dashboard's stats and the points ledger."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from flask import Blueprint, Response, g, jsonify

from passiton.app.web.current import current_runtime
from passiton.app.web.merchant.api_params import Paging, StatsPeriod, query
from passiton.app.web.merchant.api_shapes import (
    DayPoint,
    Funnel,
    LedgerEntryView,
    LedgerPage,
    PointTotals,
    Stats,
    TopReferrer,
)
from passiton.app.web.merchant.auth import merchant_required
from passiton.core.services import reports
from passiton.core.services.shops import get_shop

bp = Blueprint("reports", __name__)


@bp.get("/stats")
@merchant_required
def stats() -> Response:
    period = query(StatsPeriod)
    today = datetime.now(UTC).date()
    with current_runtime().db.sessions() as session:
        shop = get_shop(session, g.shop_id)
        found = reports.shop_stats(session, g.shop_id, today, period.days)
        currency = shop.currency
    funnel = found.funnel
    answer = Stats(
        currency=currency,
        # `converted` is kept for API clients from before `ordered`: the same number.
        funnel=Funnel(**asdict(funnel), converted=funnel.ordered),
        referred_revenue=found.referred_revenue,
        conversion_rate=found.conversion_rate,
        points=PointTotals(
            pending=found.points_pending,
            available=found.points_available,
            outstanding=found.points_pending + found.points_available,
            outstanding_value=found.points_outstanding_value,
        ),
        top_referrers=[TopReferrer.model_validate(t) for t in found.top_referrers],
        series=[DayPoint.model_validate(p) for p in found.series],
    )
    return jsonify(answer.to_json())


@bp.get("/ledger")
@merchant_required
def ledger() -> Response:
    page = query(Paging)
    with current_runtime().db.sessions() as session:
        found = reports.ledger_page(session, g.shop_id, page.offset, page.per_page)
        answer = LedgerPage(
            page=page.page,
            per_page=page.per_page,
            total=found.total,
            entries=[ledger_view(r) for r in found.items],
        )
    return jsonify(answer.to_json())


def ledger_view(row: reports.LedgerRow) -> LedgerEntryView:
    """One ledger entry with the customer it belongs to."""
    entry = row.entry
    return LedgerEntryView(
        id=entry.id,
        kind=entry.kind,
        customer_id=entry.customer_id,
        referral_code=row.referral_code,
        email=row.email,
        referral_id=entry.referral_id,
        pending_delta=entry.pending_delta,
        available_delta=entry.available_delta,
        created_at=entry.created_at,
    )
