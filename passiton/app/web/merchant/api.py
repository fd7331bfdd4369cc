"""The merchant JSON API under /api/: program settings, referrals and the review queue.

Stats, the ledger, CSV exports, API keys and the OpenAPI document live in their own modules
and are mounted here, so the whole API is one blueprint for the application to register.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from passiton.app.web.control_chars import has_control_chars
from passiton.app.web.current import current_runtime
from passiton.app.web.http_errors import error_response
from passiton.app.web.merchant import (
    api_emails,
    api_exports,
    api_key_routes,
    api_reports,
    openapi,
)
from passiton.app.web.merchant.api_params import (
    MAX_ID,
    InvalidParameter,
    invalid_parameter_response,
    paging,
    text_param,
)
from passiton.app.web.merchant.auth import merchant_required
from passiton.core.errors import InvalidSettings
from passiton.core.models import Referral, ReferralStatus
from passiton.core.services import reports, reviews
from passiton.core.services.shops import current_settings, update_settings

bp = Blueprint("api", __name__, url_prefix="/api")
bp.register_error_handler(InvalidParameter, invalid_parameter_response)
for child in (api_reports.bp, api_exports.bp, api_key_routes.bp, api_emails.bp, openapi.bp):
    bp.register_blueprint(child)

MAX_NOTE = 1000


@bp.get("/settings")
@merchant_required
def get_settings() -> Response:
    with current_runtime().db.sessions() as session:
        version, settings = current_settings(session, g.shop_id)
    return jsonify({"version": version, "settings": settings.to_json()})


@bp.put("/settings")
@merchant_required
def put_settings() -> Response:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidSettings("the body must be a JSON object of settings")
    for name, value in body.items():
        if isinstance(value, str) and has_control_chars(value):
            raise InvalidSettings(f"{name} must not contain control characters", field=name)
    version, settings = current_runtime().db.run(lambda s: update_settings(s, g.shop_id, body))
    return jsonify({"version": version, "settings": settings.to_json()})


@bp.get("/referrals")
@merchant_required
def list_referrals() -> Response:
    page = paging()
    query = text_param("q")
    with current_runtime().db.sessions() as session:
        found = reports.search_referrals(session, g.shop_id, query, page.offset, page.per_page)
        return jsonify(
            {**page.json(found.total), "referrals": [referral_json(r) for r in found.items]}
        )


@bp.get("/review")
@merchant_required
def review_queue() -> Response:
    with current_runtime().db.sessions() as session:
        rows = reviews.review_queue(session, g.shop_id)
        return jsonify({"referrals": [referral_json(r) for r in rows]})


@bp.post(f"/review/<int(max={MAX_ID}):referral_id>")
@merchant_required
def decide(referral_id: int) -> Response:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(422, "invalid_body", "the body must be a JSON object")
    try:
        decision = reviews.ReviewDecision(str(body.get("decision", "")))
    except ValueError:
        return error_response(
            422, "invalid_decision", "decision must be 'approve' or 'reject'", field="decision"
        )
    reason = body.get("reason", "")
    if not isinstance(reason, str) or len(reason) > MAX_NOTE or has_control_chars(reason):
        return error_response(
            422,
            "invalid_reason",
            f"reason must be text of at most {MAX_NOTE} characters",
            field="reason",
        )
    referral = current_runtime().db.run(
        lambda s: referral_json(
            reviews.decide(s, g.shop_id, referral_id, decision, reason, datetime.now(UTC))
        )
    )
    return jsonify({"referral": referral})


def referral_json(referral: Referral) -> dict[str, Any]:
    """A referral as the API shows it: money as strings, points as integers."""
    return {
        "id": referral.id,
        "status": referral.status.value,
        "friend_email": referral.friend_email,
        "order_id": referral.order_id,
        "order_subtotal": _money(referral.order_subtotal),
        "points_pending": referral.points_pending,
        "points_approved": referral.points_approved,
        "points_clawed_back": referral.points_clawed_back,
        "review_reason": referral.review_reason,
        "decision_note": referral.decision_note,
        "in_review": referral.status is ReferralStatus.REVIEW,
        "settings_version": referral.settings_version,
        "created_at": referral.created_at.isoformat(),
        "converted_at": referral.converted_at.isoformat() if referral.converted_at else None,
        "approve_after": referral.approve_after.isoformat() if referral.approve_after else None,
    }


def _money(value: object) -> str | None:
    return None if value is None else str(value)
