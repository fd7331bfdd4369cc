"""The merchant JSON API under /api/: program settings, referrals and the review queue.

Stats, the ledger, CSV exports, API keys and the OpenAPI document live in their own modules
and are mounted here, so the whole API is one blueprint for the application to register.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, g, jsonify, request

from passiton.app.web.control_chars import has_control_chars
from passiton.app.web.current import current_runtime
from passiton.app.web.merchant import (
    api_channels,
    api_emails,
    api_exports,
    api_key_routes,
    api_reports,
    cards,
    openapi,
)
from passiton.app.web.merchant.api_params import (
    MAX_ID,
    InvalidParameter,
    ReferralSearch,
    invalid_parameter_response,
    parsed_body,
    query,
)
from passiton.app.web.merchant.api_shapes import (
    ReferralPage,
    ReferralView,
    ReviewDecisionBody,
    ReviewedReferral,
    ReviewQueue,
    VersionedSettings,
)
from passiton.app.web.merchant.auth import merchant_required
from passiton.core.errors import InvalidSettings
from passiton.core.models import Referral
from passiton.core.services import reports, reviews
from passiton.core.services.shops import current_settings, update_settings

bp = Blueprint("api", __name__, url_prefix="/api")
bp.register_error_handler(InvalidParameter, invalid_parameter_response)
for child in (
    api_reports.bp,
    api_channels.bp,
    cards.bp,
    api_exports.bp,
    api_key_routes.bp,
    api_emails.bp,
    openapi.bp,
):
    bp.register_blueprint(child)


@bp.get("/settings")
@merchant_required
def get_settings() -> Response:
    with current_runtime().db.sessions() as session:
        version, settings = current_settings(session, g.shop_id)
    return jsonify(VersionedSettings(version=version, settings=settings).to_json())


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
    return jsonify(VersionedSettings(version=version, settings=settings).to_json())


@bp.get("/referrals")
@merchant_required
def list_referrals() -> Response:
    search = query(ReferralSearch)
    with current_runtime().db.sessions() as session:
        found = reports.search_referrals(
            session, g.shop_id, search.q, search.offset, search.per_page
        )
        answer = ReferralPage(
            page=search.page,
            per_page=search.per_page,
            total=found.total,
            referrals=[referral_view(r) for r in found.items],
        )
    return jsonify(answer.to_json())


@bp.get("/review")
@merchant_required
def review_queue() -> Response:
    with current_runtime().db.sessions() as session:
        rows = reviews.review_queue(session, g.shop_id)
        answer = ReviewQueue(referrals=[referral_view(r) for r in rows])
    return jsonify(answer.to_json())


@bp.post(f"/review/<int(max={MAX_ID}):referral_id>")
@merchant_required
def decide(referral_id: int) -> Response:
    decided = parsed_body(ReviewDecisionBody)
    if isinstance(decided, Response):
        return decided
    referral = current_runtime().db.run(
        lambda s: referral_view(
            reviews.decide(
                s, g.shop_id, referral_id, decided.decision, decided.reason, datetime.now(UTC)
            )
        )
    )
    return jsonify(ReviewedReferral(referral=referral).to_json())


def referral_view(referral: Referral) -> ReferralView:
    """A referral as the API shows it: money as strings, points as integers."""
    return ReferralView.model_validate(referral)
