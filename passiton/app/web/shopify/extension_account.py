"""The customer-account page extension's backend: the logged-in buyer's referral account.

`GET /shopify/extension/account` answers what the storefront widget shows (`WidgetData`: link,
points, history, codes) and `POST /shopify/extension/redeem` turns points into a reward or gift
code, exactly as the app proxy's `redeem`. The only identity is the session token's `sub`, which
Shopify sets for a logged-in customer: a guest's token, or none, gets a 401.
"""

from __future__ import annotations

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from passiton.app.web.current import current_runtime
from passiton.app.web.http_errors import error_response
from passiton.app.web.i18n import use_locale
from passiton.app.web.shopify.extension_auth import request_checkout_token
from passiton.app.web.shopify.redemptions import redemption_answer, redemption_request
from passiton.app.web.widget.data import widget_data
from passiton.app.web.widget.page import WidgetData
from passiton.core.models import Customer, Platform, Shop, ShopStatus
from passiton.core.services.enrolment import Buyer, customer_by_platform_id, enrol
from passiton.core.services.redemption import redeem
from passiton.core.services.shops import current_settings, find_shop

NO_STORE = {"Cache-Control": "private, no-store"}


def account() -> ResponseReturnValue:
    """The logged-in buyer's link, points, history and codes (they are enrolled if new)."""
    found = _customer_of_token()
    if isinstance(found, Response):
        return found
    shop_id, customer_id = found
    runtime = current_runtime()

    def read(session: Session) -> WidgetData:
        shop = session.get(Shop, shop_id)
        assert shop is not None
        _, settings = current_settings(session, shop_id)
        customer = enrol(session, shop_id, Buyer(customer_id=customer_id, email=None))
        use_locale(customer.locale if customer else None, shop.locale)
        return widget_data(
            session, shop, settings, customer, app_url=runtime.settings.app_url, login_url=""
        )

    return jsonify(runtime.db.run(read)), 200, NO_STORE


def redeem_points() -> ResponseReturnValue:
    """Points into a reward code (for the buyer) or a gift code (for anyone)."""
    found = _customer_of_token()
    if isinstance(found, Response):
        return found
    shop_id, customer_id = found
    runtime = current_runtime()
    points, kind, key = redemption_request(request.get_json(silent=True))

    def work(session: Session) -> int:
        customer: Customer = customer_by_platform_id(session, shop_id, customer_id)
        return redeem(session, shop_id, customer.id, points, kind, key).reward_id

    reward_id = runtime.db.run(work)
    # After the commit: the store call happens in a task, outside any transaction.
    runtime.tasks.fulfil_reward(reward_id)
    return jsonify(redemption_answer(reward_id)), 200, NO_STORE


def _customer_of_token() -> tuple[int, str] | Response:
    """(shop id, platform customer id) of the logged-in buyer, or the refusal to answer."""
    token = request_checkout_token()
    if token is None:
        return error_response(401, "invalid_session_token", "the session token is not valid")
    if token.customer_id is None:
        return error_response(401, "not_logged_in", "log in to see your referral rewards")
    with current_runtime().db.sessions() as session:
        shop = find_shop(session, Platform.SHOPIFY, token.shop)
        if shop is None or shop.status is not ShopStatus.ACTIVE:
            return error_response(401, "unknown_shop", "this store has no referral program")
        return shop.id, token.customer_id
