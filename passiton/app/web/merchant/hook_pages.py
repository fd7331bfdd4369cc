"""The Webhooks page: the merchant's endpoints, their secrets, a test event and the delivery log.

HTML forms with the CSRF token, for a logged-in merchant (the shop is the session's). A secret
is shown once, in the answer to the form that made it; the database keeps it sealed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from sqlalchemy.orm import Session

from passiton.app.outbound.endpoints import NewSecret, create_endpoint, rotate_endpoint_secret
from passiton.app.outbound.public_address import RefusedUrl, UrlRefusal
from passiton.app.web.current import current_runtime
from passiton.app.web.i18n import use_reader_locale
from passiton.app.web.merchant.api_params import MAX_ID
from passiton.app.web.merchant.auth import csrf_token, csrf_valid
from passiton.app.web.merchant.script_text import merchant_script_text
from passiton.core.errors import InvalidHookEndpoint, UnknownHookEndpoint, UnknownShop
from passiton.core.models import Shop
from passiton.core.services import hook_endpoints, outbound_hooks
from passiton.core.services.shops import get_shop

bp = Blueprint("merchant_hooks", __name__)


def _event_names() -> dict[str, str]:
    return {
        "link.created": gettext("A buyer's referral link exists"),
        "friend.claimed": gettext("A friend claimed their code"),
        "referral.converted": gettext("A friend ordered (points pending)"),
        "referral.approved": gettext("Points became available"),
        "referral.reversed": gettext("A referral was reversed (refund, cancel)"),
        "reward.issued": gettext("A reward code was issued"),
        "gift.issued": gettext("A gift code was issued"),
        "test": gettext("Test event"),
    }


def _refusal_text(reason: UrlRefusal) -> str:
    texts: dict[UrlRefusal, str] = {
        UrlRefusal.MALFORMED: gettext(
            "Enter a full address, e.g. https://hooks.example.com/passiton."
        ),
        UrlRefusal.NOT_HTTPS: gettext("The address must start with https://."),
        UrlRefusal.CREDENTIALS: gettext("The address must not carry a user name or password."),
        UrlRefusal.UNRESOLVABLE: gettext("This host name does not resolve."),
        UrlRefusal.PRIVATE_ADDRESS: gettext(
            "The address points into a private network; use a public host."
        ),
    }
    return texts[reason]


@bp.get("/webhooks")
def webhooks_page() -> ResponseReturnValue:
    shop_id = session.get("shop_id")
    if not isinstance(shop_id, int):
        use_reader_locale()
        return render_template("signed_out.html"), 401
    return _render(shop_id)


@bp.post("/webhooks/endpoints")
def add_endpoint() -> ResponseReturnValue:
    shop_id, refused = _authorised()
    if refused is not None:
        return refused
    assert shop_id is not None
    runtime = current_runtime()
    url = request.form.get("url", "")[:2100]
    events = request.form.getlist("events")[:20]
    friend_email = request.form.get("include_friend_email") == "on"
    try:
        with runtime.db.transaction() as db_session:
            made = create_endpoint(
                db_session,
                runtime.vault,
                shop_id,
                url=url,
                events=events,
                include_friend_email=friend_email,
                allow_private=runtime.settings.hooks_allow_private,
            )
    except RefusedUrl as error:
        return _render(shop_id, status=400, error=_refusal_text(error.reason), form_url=url)
    except InvalidHookEndpoint as error:
        message = (
            gettext("Choose at least one event.")
            if error.field == "events"
            else gettext("This shop has as many endpoints as it may have.")
        )
        return _render(shop_id, status=400, error=message, form_url=url)
    return _render(shop_id, status=201, new_secret=made)


# Ids past the column's range are unknown ones (404), not a database overflow.
@bp.post(f"/webhooks/endpoints/<int(max={MAX_ID}):endpoint_id>/<action>")
def endpoint_action(endpoint_id: int, action: str) -> ResponseReturnValue:
    shop_id, refused = _authorised()
    if refused is not None:
        return refused
    assert shop_id is not None
    runtime = current_runtime()
    if action not in ("rotate", "test", "remove"):
        return _render(shop_id, status=404, error=gettext("There is no such action."))
    try:
        with runtime.db.transaction() as db_session:
            if action == "rotate":
                made = rotate_endpoint_secret(db_session, runtime.vault, shop_id, endpoint_id)
            elif action == "test":
                hook_endpoints.shop_endpoint(db_session, shop_id, endpoint_id)
                outbound_hooks.test_event(db_session, shop_id, endpoint_id)
            else:
                hook_endpoints.remove_endpoint(db_session, shop_id, endpoint_id)
    except UnknownHookEndpoint:
        return _render(shop_id, status=404, error=gettext("There is no such endpoint."))
    if action == "rotate":
        return _render(shop_id, new_secret=made)
    # After the commit the test event has been handed to the queue; the log shows its fate.
    return redirect(url_for("merchant_hooks.webhooks_page"), code=303)


def _authorised() -> tuple[int | None, ResponseReturnValue | None]:
    shop_id = session.get("shop_id")
    if not isinstance(shop_id, int):
        use_reader_locale()
        return None, (render_template("signed_out.html"), 401)
    if not csrf_valid():
        return None, _render(shop_id, status=403, error=gettext("Please reload and try again."))
    return shop_id, None


def _render(
    shop_id: int,
    *,
    status: int = 200,
    error: str | None = None,
    new_secret: NewSecret | None = None,
    form_url: str = "",
) -> ResponseReturnValue:
    runtime = current_runtime()
    with runtime.db.sessions() as db_session:
        try:
            shop = get_shop(db_session, shop_id)
        except UnknownShop:
            session.pop("shop_id", None)
            use_reader_locale()
            return render_template("signed_out.html"), 401
        context = _log_context(db_session, shop)
    use_reader_locale(shop.locale)
    page = render_template(
        "webhooks.html",
        embedded=False,
        current="webhooks",
        query={},
        csrf=csrf_token(),
        page_text=merchant_script_text(),
        timezone=shop.timezone,
        shop=shop,
        error=error,
        new_secret=new_secret,
        form_url=form_url,
        event_names=_event_names(),
        subscribable=[e.value for e in outbound_hooks.SUBSCRIBABLE],
        **context,
    )
    return page, status


def _log_context(db_session: Session, shop: Shop) -> dict[str, Any]:
    endpoints = hook_endpoints.endpoints(db_session, shop.id)
    urls = {e.id: e.url for e in endpoints}
    return {
        "endpoints": endpoints,
        "deliveries": [
            {"row": d, "url": urls.get(d.endpoint_id, "")}
            for d in hook_endpoints.recent_deliveries(db_session, shop.id)
        ],
    }
