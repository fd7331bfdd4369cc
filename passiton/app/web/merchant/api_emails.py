"""Merchant API: the shop's e-mails (the outbox) and a rendered preview of each."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify

from passiton.app.web.current import current_runtime
from passiton.app.web.http_errors import error_response
from passiton.app.web.merchant.api_params import MAX_ID, paging
from passiton.app.web.merchant.auth import merchant_required
from passiton.core.models import EmailMessage
from passiton.core.services.outbox import shop_message, shop_messages

bp = Blueprint("emails", __name__)


@bp.get("/emails")
@merchant_required
def list_emails() -> Response:
    page = paging()
    with current_runtime().db.sessions() as session:
        total, rows = shop_messages(session, g.shop_id, page.offset, page.per_page)
        return jsonify({**page.json(total), "emails": [email_json(m) for m in rows]})


@bp.get(f"/emails/<int(max={MAX_ID}):email_id>/preview")
@merchant_required
def preview_email(email_id: int) -> Response:
    runtime = current_runtime()
    assert runtime.mail is not None  # build_runtime installs the mail sender
    with runtime.db.sessions() as session:
        message = shop_message(session, g.shop_id, email_id)
        if message is None:
            return error_response(404, "unknown_email", "no such e-mail in this shop")
        rendered = runtime.mail.composer.render(session, message)
    return jsonify({"subject": rendered.subject, "text": rendered.text, "html": rendered.html})


def email_json(message: EmailMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "kind": message.kind.value,
        "recipient": message.recipient,
        "status": message.status.value,
        "attempts": message.attempts,
        "last_error": message.last_error,
        "created_at": message.created_at.isoformat(),
        "send_after": message.send_after.isoformat(),
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
    }


EMAIL = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string"},
        "recipient": {"type": "string"},
        "status": {
            "enum": ["queued", "sending", "sent", "failed", "suppressed", "cancelled"],
        },
        "attempts": {"type": "integer"},
        "last_error": {"type": ["string", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "send_after": {"type": "string", "format": "date-time"},
        "sent_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
"""The OpenAPI schema of `email_json`, for openapi.py."""
