"""`/unsubscribe/<token>`: GET shows a page with a button, POST unsubscribes.

A GET never unsubscribes: mail scanners and link previewers follow every link in a message.
The POST is what RFC 8058's one-click clients send (body `List-Unsubscribe=One-Click`, no
cookies, no page) and what the page's button sends: one handler for both.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from passiton.app.mail.unsubscribe_tokens import UnsubscribeTokens
from passiton.app.web.current import current_runtime
from passiton.app.web.i18n import use_locale, use_reader_locale
from passiton.core.models import Shop, SuppressionReason
from passiton.core.services.mail_suppression import digest_suppression, suppress_digest

bp = Blueprint("unsubscribe", __name__, template_folder="templates")
ONE_CLICK = "One-Click"


def _target(token: str) -> tuple[int, str] | None:
    return UnsubscribeTokens(current_runtime().settings.secret_key).read(token)


def _not_found() -> ResponseReturnValue:
    use_reader_locale()
    message = gettext("This unsubscribe link is not valid.")
    return render_template("unsubscribe.html", shop=None, message=message, token=None), 404


@bp.get("/unsubscribe/<token>")
def confirm(token: str) -> ResponseReturnValue:
    target = _target(token)
    if target is None:
        return _not_found()
    shop_id, digest = target
    with current_runtime().db.sessions() as session:
        shop = session.get(Shop, shop_id)
        if shop is None:
            return _not_found()
        done = digest_suppression(session, shop_id, digest) is not None
    use_locale(shop.locale)
    return render_template(
        "unsubscribe.html", shop=shop, token=None if done else token, message=None
    ), 200


@bp.post("/unsubscribe/<token>")
def unsubscribe(token: str) -> ResponseReturnValue:
    target = _target(token)
    if target is None:
        return _not_found()
    shop_id, digest = target
    runtime = current_runtime()
    with runtime.db.sessions() as session:
        shop = session.get(Shop, shop_id)
    if shop is None:
        return _not_found()
    use_locale(shop.locale)
    if request.form.get("List-Unsubscribe") != ONE_CLICK:
        message = gettext("Please use the button on this page to unsubscribe.")
        return render_template("unsubscribe.html", shop=shop, token=token, message=message), 400
    runtime.db.run(lambda s: suppress_digest(s, shop_id, digest, SuppressionReason.UNSUBSCRIBED))
    return render_template("unsubscribe.html", shop=shop, token=None, message=None), 200
