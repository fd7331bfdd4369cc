"""The merchant JSON API under /api/ (program settings, referrals, review queue)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from sqlalchemy import select

from passiton.app.http_errors import error_response
from passiton.app.merchant_auth import merchant_required
from passiton.app.runtime import Runtime
from passiton.core.errors import InvalidSettings
from passiton.core.models import Referral, ReferralStatus
from passiton.core.services import reviews
from passiton.core.services.shops import current_settings, update_settings

bp = Blueprint("api", __name__, url_prefix="/api")
PAGE_SIZE = 50


def _runtime() -> Runtime:
    runtime: Runtime = current_app.extensions["passiton"]
    return runtime


@bp.get("/settings")
@merchant_required
def get_settings() -> Response:
    with _runtime().db.sessions() as session:
        version, settings = current_settings(session, g.shop_id)
    return jsonify({"version": version, "settings": settings.to_json()})


@bp.put("/settings")
@merchant_required
def put_settings() -> Response:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidSettings("the body must be a JSON object of settings")
    version, settings = _runtime().db.run(lambda s: update_settings(s, g.shop_id, body))
    return jsonify({"version": version, "settings": settings.to_json()})


@bp.get("/referrals")
@merchant_required
def list_referrals() -> Response:
    page = max(1, request.args.get("page", 1, type=int) or 1)
    with _runtime().db.sessions() as session:
        rows = session.scalars(
            select(Referral)
            .where(Referral.shop_id == g.shop_id)
            .order_by(Referral.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
        return jsonify({"page": page, "referrals": [referral_json(r) for r in rows]})


@bp.get("/review")
@merchant_required
def review_queue() -> Response:
    with _runtime().db.sessions() as session:
        rows = reviews.review_queue(session, g.shop_id)
        return jsonify({"referrals": [referral_json(r) for r in rows]})


@bp.post("/review/<int:referral_id>")
@merchant_required
def decide(referral_id: int) -> Response:
    body = request.get_json(silent=True) or {}
    try:
        decision = reviews.ReviewDecision(str(body.get("decision", "")))
    except ValueError:
        return error_response(
            422, "invalid_decision", "decision must be 'approve' or 'reject'", field="decision"
        )
    reason = body.get("reason")
    note = reason if isinstance(reason, str) else ""
    referral = _runtime().db.run(
        lambda s: referral_json(
            reviews.decide(s, g.shop_id, referral_id, decision, note, datetime.now(UTC))
        )
    )
    return jsonify({"referral": referral})


def referral_json(referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.id,
        "status": referral.status.value,
        "friend_email": referral.friend_email,
        "order_id": referral.order_id,
        "order_subtotal": str(referral.order_subtotal)
        if referral.order_subtotal is not None
        else None,
        "points_pending": referral.points_pending,
        "points_approved": referral.points_approved,
        "points_clawed_back": referral.points_clawed_back,
        "review_reason": referral.review_reason,
        "in_review": referral.status is ReferralStatus.REVIEW,
        "created_at": referral.created_at.isoformat(),
        "approve_after": referral.approve_after.isoformat() if referral.approve_after else None,
    }
