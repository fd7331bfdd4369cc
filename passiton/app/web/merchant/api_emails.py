"""Merchant API: the shop's e-mails (the outbox), a preview of each, and its mail settings."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from flask.typing import ResponseReturnValue

from passiton.app.web.current import current_runtime
from passiton.app.web.http_errors import error_response
from passiton.app.web.merchant.api_params import MAX_ID, paging
from passiton.app.web.merchant.auth import merchant_required
from passiton.core.models import EmailMessage, MessageKind
from passiton.core.services.mail_delivery import mail_settings_of
from passiton.core.services.mail_settings import (
    SWITCHABLE,
    mail_settings_json,
    update_mail_settings,
)
from passiton.core.services.outbox import queue_message, shop_message, shop_messages
from passiton.core.services.shops import get_shop

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


@bp.get("/mail-settings")
@merchant_required
def get_mail_settings() -> Response:
    with current_runtime().db.sessions() as session:
        return jsonify({"settings": mail_settings_json(mail_settings_of(session, g.shop_id))})


@bp.put("/mail-settings")
@merchant_required
def put_mail_settings() -> Response:
    body = request.get_json(silent=True)
    saved = current_runtime().db.run(
        lambda s: mail_settings_json(update_mail_settings(s, g.shop_id, body))
    )
    return jsonify({"settings": saved})


@bp.post("/mail-settings/test")
@merchant_required
def send_test_email() -> ResponseReturnValue:
    """Send the test message to the shop's own address (reply-to, else contact e-mail).

    Never to an address in the request: the merchant API must not become a way to send mail
    to anyone.
    """
    runtime = current_runtime()
    with runtime.db.transaction() as session:
        shop = get_shop(session, g.shop_id)
        to = mail_settings_of(session, g.shop_id).reply_to or shop.contact_email
        if not to:
            return error_response(
                409, "no_shop_address", "the shop has no contact e-mail or reply-to address"
            )
        message = queue_message(
            session,
            shop_id=g.shop_id,
            kind=MessageKind.TEST,
            to=to,
            event_key=f"test:{uuid.uuid4().hex}",
            locale=None,
            context={},
        )
        assert message is not None  # a fresh event key
        message_id = message.id
    runtime.tasks.send_mail(message_id)
    with runtime.db.sessions() as session:
        sent = session.get_one(EmailMessage, message_id)
        return jsonify({"email": email_json(sent)}), 202


MAIL_SETTINGS = {
    "type": "object",
    "properties": {
        "sender_name": {"type": "string", "maxLength": 100},
        "reply_to": {"type": "string"},
        "disabled_kinds": {"type": "array", "items": {"enum": list(SWITCHABLE)}},
        "invitations_transactional": {"type": "boolean"},
    },
}
"""The OpenAPI schema of the mail settings, for openapi.py."""
