"""The storefront widget behind Shopify's app proxy (`/apps/passiton/…` → `/proxy/…`).

Shopify signs every proxied request's query and names the logged-in customer in it; that
signed `logged_in_customer_id` is the only identity used here, so a shopper can only ever see
or spend their own points. The page, `widget.json` and `redeem` answer the contract documented
in widget_page.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import quote

from flask import Blueprint, g, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from passiton.app.platforms.shopify import shopify_secrets
from passiton.app.web.current import current_runtime
from passiton.app.web.http_errors import error_response
from passiton.app.web.i18n import use_locale
from passiton.app.web.shopify.redemptions import redemption_answer, redemption_request
from passiton.app.web.widget.data import widget_data
from passiton.app.web.widget.page import WidgetData, render_widget_page
from passiton.connectors.shopify.auth import proxy_request_valid, shop_domain
from passiton.core.digits import ascii_digits
from passiton.core.models import Customer, Platform, Shop, ShopStatus
from passiton.core.services.enrolment import Buyer, customer_by_platform_id, enrol
from passiton.core.services.redemption import redeem
from passiton.core.services.shops import current_settings, find_shop

MAX_CUSTOMER_ID = 64
STOREFRONT_LOGIN = "/account/login"
_PATH_PREFIX = re.compile(r"^/[A-Za-z0-9_-][A-Za-z0-9/_-]{0,200}$")


def proxy_blueprint() -> Blueprint:
    """The `/proxy/` blueprint; every request must carry a fresh Shopify proxy signature."""
    bp = Blueprint("shopify_proxy", __name__, url_prefix="/proxy")
    bp.before_request(_verify_proxy_request)
    # Shopify forwards the storefront's `/apps/passiton` to the configured URL `/proxy` as is,
    # and `/apps/passiton/` to `/proxy/`: both must answer, and a redirect would point at the
    # app's own host instead of the storefront.
    bp.add_url_rule("/", view_func=widget_page, methods=["GET"], strict_slashes=False)
    bp.add_url_rule("/widget.json", view_func=widget, methods=["GET"])
    bp.add_url_rule("/redeem", view_func=redeem_points, methods=["POST"])
    return bp


def _verify_proxy_request() -> ResponseReturnValue | None:
    runtime = current_runtime()
    params = list(request.args.items(multi=True))
    if not proxy_request_valid(params, shopify_secrets(runtime.settings), datetime.now(UTC)):
        return error_response(401, "invalid_signature", "the proxy signature is not valid")
    domain = shop_domain(request.args.get("shop"))
    with runtime.db.sessions() as session:
        shop = find_shop(session, Platform.SHOPIFY, domain) if domain else None
        if shop is None or shop.status is not ShopStatus.ACTIVE:
            return error_response(404, "unknown_shop", "this store has no referral program")
        g.shop_id = shop.id
    customer = request.args.get("logged_in_customer_id", "").strip()
    # Shopify sends the parameter empty for guests: they see the offer and a login link.
    if customer and (not ascii_digits(customer) or len(customer) > MAX_CUSTOMER_ID):
        return error_response(401, "not_logged_in", "log in to see your referral rewards")
    g.platform_customer_id = customer or None
    return None


def widget_page() -> ResponseReturnValue:
    """The widget page: the customer's link, points and codes, or a login prompt for guests."""
    script_url = current_runtime().settings.app_url + url_for("widget.static", filename="widget.js")
    html = render_widget_page(_widget_data(), script_url=script_url, api_base=_api_base())
    # The page holds the customer's own data: no shared cache may keep it for someone else.
    return html, 200, {"Cache-Control": "private, no-store"}


def widget() -> ResponseReturnValue:
    """The widget's data as JSON: `WidgetData`, with `customer` null for guests."""
    return jsonify(_widget_data()), 200, {"Cache-Control": "private, no-store"}


def _widget_data() -> WidgetData:
    runtime = current_runtime()
    shop_id, platform_customer_id = g.shop_id, g.platform_customer_id

    def read(session: Session) -> WidgetData:
        shop = session.get(Shop, shop_id)
        assert shop is not None  # checked before the view ran
        _, settings = current_settings(session, shop_id)
        # Opening the widget enrols a logged-in customer; a guest's visit writes nothing.
        customer = None
        if platform_customer_id is not None:
            customer = enrol(session, shop_id, Buyer(customer_id=platform_customer_id, email=None))
        # The referrer's own language from their last order, else the shop's.
        use_locale(customer.locale if customer else None, shop.locale)
        return widget_data(
            session,
            shop,
            settings,
            customer,
            app_url=runtime.settings.app_url,
            login_url=_login_url(),
        )

    return runtime.db.run(read)


def _storefront_prefix() -> str | None:
    """The proxy's path on the storefront (`/apps/passiton`), as Shopify signed it."""
    prefix = request.args.get("path_prefix", "")
    return prefix.rstrip("/") if _PATH_PREFIX.match(prefix) else None


def _api_base() -> str:
    prefix = _storefront_prefix()
    return f"{prefix}/" if prefix else "./"


def _login_url() -> str:
    prefix = _storefront_prefix()
    return f"{STOREFRONT_LOGIN}?return_url={quote(prefix)}" if prefix else STOREFRONT_LOGIN


def redeem_points() -> ResponseReturnValue:
    """Turn points into a reward code (for the customer) or a gift code (for anyone)."""
    runtime = current_runtime()
    if g.platform_customer_id is None:
        return error_response(401, "not_logged_in", "log in to use your points")
    # Only a JSON body is read: a cross-site form posting to the storefront (which Shopify
    # would proxy, signed, with the victim's customer id) cannot send application/json
    # without a CORS preflight, so it cannot spend anyone's points.
    points, kind, key = redemption_request(request.get_json(silent=True))
    shop_id, platform_customer_id = g.shop_id, g.platform_customer_id

    def work(session: Session) -> int:
        customer: Customer = customer_by_platform_id(session, shop_id, platform_customer_id)
        return redeem(session, shop_id, customer.id, points, kind, key).reward_id

    reward_id = runtime.db.run(work)
    # After the commit: the store call happens in a task, outside any transaction.
    runtime.tasks.fulfil_reward(reward_id)
    return jsonify(redemption_answer(reward_id)), 200
