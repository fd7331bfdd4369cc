"""Merchant API: which moment brings friends, as link visits, claims and orders per channel."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify

from passiton.app.web.current import current_runtime
from passiton.app.web.merchant.api_shapes import ChannelCountsView, ChannelReport
from passiton.app.web.merchant.auth import merchant_required
from passiton.core.services.channel_reports import channel_counts

bp = Blueprint("channels", __name__)


@bp.get("/channels")
@merchant_required
def channels() -> Response:
    with current_runtime().db.sessions() as session:
        found = channel_counts(session, g.shop_id)
    answer = ChannelReport(channels=[ChannelCountsView.model_validate(c) for c in found])
    return jsonify(answer.to_json())
