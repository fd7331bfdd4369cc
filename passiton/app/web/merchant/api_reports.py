"""Merchant API: the dashboard's stats and the points ledger."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, g, jsonify

from passiton.app.web.current import current_runtime
from passiton.app.web.merchant.api_params import int_param, paging
from passiton.app.web.merchant.auth import merchant_required
from passiton.core.services import reports
from passiton.core.services.shops import get_shop

bp = Blueprint("reports", __name__)
MAX_DAYS = 365


@bp.get("/stats")
@merchant_required
def stats() -> Response:
    days = int_param("days", 30, 1, MAX_DAYS)
    today = datetime.now(UTC).date()
    with current_runtime().db.sessions() as session:
        shop = get_shop(session, g.shop_id)
        found = reports.shop_stats(session, g.shop_id, today, days)
        currency = shop.currency
    funnel = found.funnel
    return jsonify(
        {
            "currency": currency,
            "funnel": {
                "link_visits": funnel.link_visits,
                "claimed": funnel.claimed,
                "ordered": funnel.ordered,
                # Kept for API clients from before `ordered`: the same number.
                "converted": funnel.ordered,
                "pending": funnel.pending,
                "approved": funnel.approved,
                "in_review": funnel.in_review,
                "reversed": funnel.reversed,
                "rejected": funnel.rejected,
            },
            "referred_revenue": str(found.referred_revenue),
            "conversion_rate": str(found.conversion_rate)
            if found.conversion_rate is not None
            else None,
            "points": {
                "pending": found.points_pending,
                "available": found.points_available,
                "outstanding": found.points_pending + found.points_available,
                "outstanding_value": str(found.points_outstanding_value),
            },
            "top_referrers": [
                {
                    "customer_id": t.customer_id,
                    "name": t.name,
                    "email": t.email,
                    "referral_code": t.referral_code,
                    "referrals": t.referrals,
                    "revenue": str(t.revenue),
                }
                for t in found.top_referrers
            ],
            "series": [
                {
                    "day": p.day.isoformat(),
                    "visits": p.visits,
                    "referrals": p.referrals,
                    "revenue": str(p.revenue),
                }
                for p in found.series
            ],
        }
    )


@bp.get("/ledger")
@merchant_required
def ledger() -> Response:
    page = paging()
    with current_runtime().db.sessions() as session:
        found = reports.ledger_page(session, g.shop_id, page.offset, page.per_page)
        return jsonify({**page.json(found.total), "entries": [ledger_json(r) for r in found.items]})


def ledger_json(row: reports.LedgerRow) -> dict[str, Any]:
    """One ledger entry with the customer it belongs to."""
    entry = row.entry
    return {
        "id": entry.id,
        "kind": entry.kind.value,
        "customer_id": entry.customer_id,
        "referral_code": row.referral_code,
        "email": row.email,
        "referral_id": entry.referral_id,
        "pending_delta": entry.pending_delta,
        "available_delta": entry.available_delta,
        "created_at": entry.created_at.isoformat(),
    }
