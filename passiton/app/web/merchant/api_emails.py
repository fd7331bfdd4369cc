"""Merchant API: the shop's e-mails (the outbox), a preview of each, and its mail settings."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from flask.typing import ResponseReturnValue

from passiton.app.web.current import current_runtime
from passiton.app.web.http_errors import error_response
from passiton.app.web.merchant.api_email_shapes import (
    EmailPage,
    EmailPreview,
    EmailView,
    MailSettingsAnswer,
    MailSettingsView,
    QueuedEmail,
)
from passiton.app.web.merchant.api_params import MAX_ID, Paging, query
from passiton.app.web.merchant.auth import merchant_required
from passiton.core.models import EmailMessage, MessageKind
from passiton.core.services.mail_delivery import mail_settings_of
from passiton.core.services.mail_settings import (
    mail_settings_json,
    update_mail_settings,
)
from passiton.core.services.outbox import queue_message, shop_message, shop_messages
from passiton.core.services.shops import get_shop

bp = Blueprint("emails", __name__)


@bp.get("/emails")
@merchant_required
def list_emails() -> Response:
    page = query(Paging)
    with current_runtime().db.sessions() as session:
        total, rows = shop_messages(session, g.shop_id, page.offset, page.per_page)
        answer = EmailPage(
            page=page.page,
            per_page=page.per_page,
            total=total,
            emails=[EmailView.model_validate(m) for m in rows],
        )
    return jsonify(answer.to_json())


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
    preview = EmailPreview(subject=rendered.subject, text=rendered.text, html=rendered.html)
    return jsonify(preview.to_json())


@bp.get("/mail-settings")
@merchant_required
def get_mail_settings() -> Response:
    with current_runtime().db.sessions() as session:
        return jsonify(_settings_answer(mail_settings_json(mail_settings_of(session, g.shop_id))))


@bp.put("/mail-settings")
@merchant_required
def put_mail_settings() -> Response:
    body = request.get_json(silent=True)
    saved = current_runtime().db.run(
        lambda s: mail_settings_json(update_mail_settings(s, g.shop_id, body))
    )
    return jsonify(_settings_answer(saved))


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
        return jsonify(QueuedEmail(email=EmailView.model_validate(sent)).to_json()), 202


def _settings_answer(settings: dict[str, Any]) -> dict[str, Any]:
    return MailSettingsAnswer(settings=MailSettingsView(**settings)).to_json()
