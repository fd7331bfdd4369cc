"""The companion plugin's privacy calls: WordPress's personal-data export and erasure tools.

A shopper's export or erasure request on the store (Tools → Export/Erase Personal Data) runs
the plugin's exporter and eraser, which call these routes signed with the plugin key. They run
the same core use cases as Shopify's `customers/data_request` and `customers/redact`.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue

from passiton.app.web.current import current_runtime
from passiton.app.web.http_errors import error_response
from passiton.app.web.woocommerce.routes import signed_plugin_call
from passiton.core.identity import MAX_EMAIL_LENGTH, email_key
from passiton.core.services import compliance

log = logging.getLogger(__name__)
bp = Blueprint("woocommerce_privacy", __name__)


@bp.post("/woocommerce/plugin/privacy/export")
def export() -> ResponseReturnValue:
    """Everything held about the shopper with this e-mail, as the Shopify export has it."""
    subject = _subject()
    if isinstance(subject, Response):
        return subject
    shop_id, customer_id, email = subject
    with current_runtime().db.sessions() as session:
        data = compliance.export_customer_data(session, shop_id, customer_id, email)
    return jsonify(data)


@bp.post("/woocommerce/plugin/privacy/erase")
def erase() -> ResponseReturnValue:
    """Erase the shopper's personal data; points and amounts stay, as on Shopify."""
    subject = _subject()
    if isinstance(subject, Response):
        return subject
    shop_id, customer_id, email = subject
    touched = current_runtime().db.run(
        lambda s: compliance.redact_customer(s, shop_id, customer_id, email)
    )
    log.info("woocommerce erasure request applied: shop=%s rows=%s", shop_id, touched)
    return jsonify({"items_removed": touched > 0})


def _subject() -> tuple[int, str | None, str] | Response:
    signed = signed_plugin_call()
    if isinstance(signed, Response):
        return signed
    shop_id, body = signed
    email, raw_id = body.get("email"), body.get("customer_id")
    if not isinstance(email, str) or len(email) > MAX_EMAIL_LENGTH or email_key(email) is None:
        return error_response(
            422, "invalid_email", "send the shopper's e-mail address", field="email"
        )
    customer_id = _customer_id(raw_id)
    return shop_id, customer_id, email


def _customer_id(raw: Any) -> str | None:
    # WordPress user ids; 0 (or none) when the address belongs to no account on the store.
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return None
    text = str(raw)
    return text if text.isdigit() and text != "0" and len(text) <= 20 else None
