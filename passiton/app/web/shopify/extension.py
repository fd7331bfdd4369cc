"""The backend of the checkout UI extension: `POST /shopify/extension/referral`.

(The customer-account page's routes are in extension_account.py, on the same blueprint.)

The extension on the thank-you and order-status pages sends the order id it sees and its
session token; Passiton answers the buyer's referral link, the friend's offer in the buyer's
language and currency, and whether gifts are on. It must work before `orders/paid` arrives,
so the buyer is enrolled from the order itself. The order id comes from the browser, so the
shop's Admin API is asked first whether the order is really this shop's (and who bought it):
a token of one shop cannot enrol, or read the link of, a buyer of another. The record made here
is the one the order's webhook finds later (`core.services.order_buyers`).

The extension runs in a web worker on Shopify's extension host and calls with a bearer token,
never cookies: CORS allows that origin, with the `Authorization` header, without credentials.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypedDict

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from passiton.app.platforms.shopify import admin_client
from passiton.app.web.current import current_runtime
from passiton.app.web.friend.landing import friend_discount
from passiton.app.web.http_errors import error_response
from passiton.app.web.i18n import use_locale
from passiton.app.web.shopify.extension_account import account, redeem_points
from passiton.app.web.shopify.extension_auth import allow_extension_origin, request_checkout_token
from passiton.app.web.shopify.verified_orders import VerifiedOrders
from passiton.connectors.shopify.order_lookup import admin_order_gid, look_up_order
from passiton.core.events import OrderState
from passiton.core.models import Platform, Shop, ShopStatus
from passiton.core.ports import StoreError
from passiton.core.services.order_buyers import enrol_order_buyer
from passiton.core.services.shops import current_settings, find_shop, store_shop

log = logging.getLogger(__name__)

ADMIN_TIMEOUT = (2.0, 3.0)
"""(connect, read) seconds for the order check: a buyer is waiting on the thank-you page."""
RETRY_AFTER_SECONDS = "5"


class ReferrerReward(TypedDict):
    points: int
    mode: str


class ExtensionReferral(TypedDict):
    """What the extension shows; no personal data beyond the buyer's own link."""

    referral_code: str
    link: str
    shop_name: str
    friend_offer: str
    gifts_enabled: bool
    referrer_reward: ReferrerReward | None
    """Only when the shop shows the referrer's reward on its friend pages."""


def extension_blueprint() -> Blueprint:
    """The `/shopify/extension/` blueprint, with its own memory of verified orders."""
    bp = Blueprint("shopify_extension", __name__, url_prefix="/shopify/extension")
    orders = VerifiedOrders()
    bp.after_request(allow_extension_origin)

    def referral() -> ResponseReturnValue:
        return _referral(orders)

    for rule, view, method in (
        ("/referral", referral, "POST"),
        ("/account", account, "GET"),
        ("/redeem", redeem_points, "POST"),
    ):
        bp.add_url_rule(
            rule,
            endpoint=rule.strip("/"),
            view_func=_with_preflight(view),
            methods=[method, "OPTIONS"],
            provide_automatic_options=False,
        )
    return bp


def _with_preflight(view: Callable[[], ResponseReturnValue]) -> Callable[[], ResponseReturnValue]:
    # The extension's bearer calls are never "simple" requests: the browser asks first.
    def answer() -> ResponseReturnValue:
        return Response(status=204) if request.method == "OPTIONS" else view()

    return answer


def _referral(orders: VerifiedOrders) -> ResponseReturnValue:
    runtime = current_runtime()
    token = request_checkout_token()
    if token is None:
        return error_response(401, "invalid_session_token", "the session token is not valid")
    body = request.get_json(silent=True)
    order_gid = admin_order_gid(body.get("order_id") if isinstance(body, dict) else None)
    if order_gid is None:
        return error_response(
            400, "invalid_order_id", "order_id must be the order's gid", field="order_id"
        )
    with runtime.db.sessions() as session:
        shop = find_shop(session, Platform.SHOPIFY, token.shop)
        if shop is None or shop.status is not ShopStatus.ACTIVE:
            return error_response(401, "unknown_shop", "this store has no referral program")
        if not current_settings(session, shop.id)[1].enabled:
            return error_response(409, "program_paused", "this store's referral program is paused")
        shop_id, target = shop.id, store_shop(shop)
    order = orders.get(shop_id, order_gid)
    if order is None:
        client = admin_client(
            runtime.settings,
            runtime.db,
            runtime.vault,
            target,
            timeout=ADMIN_TIMEOUT,
            throttle_waits=0,
        )
        try:
            order = look_up_order(client, order_gid)
        except StoreError as error:
            log.warning("order check for shop %s failed: %s", shop_id, error)
            response = error_response(
                503, "store_unavailable", "the store could not confirm the order; try again"
            )
            response.headers["Retry-After"] = RETRY_AFTER_SECONDS
            return response
        if order is None:
            # Another shop's order, or one Shopify is still creating: the extension retries.
            return error_response(404, "unknown_order", "this store has no such order (yet)")
        orders.put(shop_id, order_gid, order)
    if token.customer_id is not None and token.customer_id != order.customer_id:
        return error_response(403, "not_your_order", "this order belongs to another customer")
    answer = runtime.db.run(lambda session: _enrol(session, shop_id, order))
    if answer is None:
        return error_response(404, "no_referrer", "this order's buyer cannot get a referral link")
    return jsonify(answer), 200, {"Cache-Control": "private, no-store"}


def _enrol(session: Session, shop_id: int, order: OrderState) -> ExtensionReferral | None:
    customer = enrol_order_buyer(session, shop_id, order)
    if customer is None:
        return None
    shop = session.get(Shop, shop_id)
    assert shop is not None
    _, settings = current_settings(session, shop_id)
    use_locale(customer.locale, shop.locale)
    reward: ReferrerReward | None = None
    if settings.show_referrer_reward:
        reward = {"points": settings.reward_points, "mode": settings.reward_mode.value}
    return {
        "referral_code": customer.referral_code,
        "link": f"{current_runtime().settings.app_url}/r/{customer.referral_code}",
        "shop_name": shop.name or shop.domain,
        "friend_offer": friend_discount(settings, shop.currency),
        "gifts_enabled": settings.gifts_enabled,
        "referrer_reward": reward,
    }
