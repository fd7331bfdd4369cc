"""The merchant's pages: settings and dashboard, server-rendered shells driven by the JSON API.

Opened from the Shopify admin (`?shop=…&host=…`), a page loads App Bridge and its scripts send
the session token as a bearer credential; anywhere else the merchant's login session is used and
changes carry the CSRF token. The shop is never taken from the query string: `shop` only decides
whether to load App Bridge, and the API answers for whichever shop the credentials belong to.
"""

from __future__ import annotations

import re

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from passiton.app.web.current import current_runtime
from passiton.app.web.i18n import use_reader_locale
from passiton.app.web.merchant.auth import csrf_token
from passiton.app.web.merchant.script_text import merchant_script_text
from passiton.app.web.page_headers import allow_shopify_framing
from passiton.core.errors import UnknownShop
from passiton.core.models import Platform, Shop
from passiton.core.services.shops import current_settings, find_shop, get_shop

# The merchant's templates and static files live beside this face; every merchant blueprint
# renders from them (Flask looks templates up across all registered blueprints).
bp = Blueprint(
    "merchant_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/merchant",
)

SHOPIFY_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$")
# App Bridge's `host` is base64url of the admin host; anything else is not an embedded load.
SHOPIFY_HOST = re.compile(r"^[A-Za-z0-9+/_=-]{4,400}$")
APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js"


def embedded_in_shopify() -> bool:
    """Whether the Shopify admin opened this page (and so App Bridge must be loaded)."""
    shop = request.args.get("shop", "")
    host = request.args.get("host", "")
    return bool(SHOPIFY_DOMAIN.match(shop) and SHOPIFY_HOST.match(host))


@bp.get("/")
def home() -> ResponseReturnValue:
    # Keep shop/host: the embedded admin needs them on every page.
    target = url_for("merchant_pages.settings_page")
    query = request.query_string.decode("ascii", "replace")
    return redirect(f"{target}?{query}" if query else target, code=302)


@bp.get("/settings")
def settings_page() -> ResponseReturnValue:
    return _page("settings.html", "settings")


@bp.get("/dashboard")
def dashboard_page() -> ResponseReturnValue:
    return _page("dashboard.html", "dashboard")


@bp.get("/emails")
def emails_page() -> ResponseReturnValue:
    return _page("emails.html", "emails")


def _page(template: str, current: str) -> ResponseReturnValue:
    embedded = embedded_in_shopify()
    if embedded:
        allow_shopify_framing(request.args["shop"])
    shop_id = session.get("shop_id")
    if not embedded and not isinstance(shop_id, int):
        use_reader_locale()
        return render_template("signed_out.html"), 401
    context: dict[str, object] = {
        "embedded": embedded,
        "current": current,
        "shopify_api_key": current_runtime().settings.shopify_api_key or "",
        "app_bridge_url": APP_BRIDGE_URL,
        "csrf": "" if embedded else csrf_token(),
        "query": {k: request.args[k] for k in ("shop", "host") if embedded},
        "shop": None,
        "version": None,
        "settings": None,
    }
    if not embedded and isinstance(shop_id, int):
        # A logged-in merchant gets the page filled in on the server; embedded pages are
        # filled by the script once App Bridge hands it a session token.
        with current_runtime().db.sessions() as db_session:
            try:
                context["shop"] = get_shop(db_session, shop_id)
                context["version"], context["settings"] = current_settings(db_session, shop_id)
            except UnknownShop:
                session.pop("shop_id", None)
                use_reader_locale()
                return render_template("signed_out.html"), 401
    shop = context["shop"] if isinstance(context["shop"], Shop) else _embedding_shop(embedded)
    # The shop's language and time zone; only for words, dates and money on the page: the
    # data still comes from the API, for the shop the credentials belong to.
    use_reader_locale(shop.locale if shop else None)
    context["page_text"] = merchant_script_text()
    context["timezone"] = shop.timezone if shop else ""
    return render_template(template, **context)


def _embedding_shop(embedded: bool) -> Shop | None:
    """The shop named in an embedded load's `shop`, for its language: never for its data."""
    if not embedded:
        return None
    with current_runtime().db.sessions() as db_session:
        shop = find_shop(db_session, Platform.SHOPIFY, request.args["shop"])
        if shop is not None:
            db_session.expunge(shop)
        return shop
