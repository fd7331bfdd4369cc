"""WooCommerce HTTP routes: wc-auth connect and callback, and the companion plugin's endpoints."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Flask, Response, current_app, jsonify, redirect, request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from passiton.app.platforms.woocommerce_grants import record_grant
from passiton.app.runtime import Runtime
from passiton.app.web.http_errors import error_response
from passiton.app.web.i18n import use_locale
from passiton.app.web.merchant import accounts
from passiton.app.web.merchant.accounts import current_merchant_id
from passiton.app.web.merchant.auth import csrf_valid
from passiton.app.web.widget.data import widget_data
from passiton.app.web.widget.page import WidgetData
from passiton.connectors.woocommerce import auth
from passiton.core.digits import ascii_digits
from passiton.core.errors import UnknownCustomer
from passiton.core.merchants import ConnectRequest, PluginKey
from passiton.core.models import RewardCode, RewardKind, Shop, ShopStatus
from passiton.core.program_settings import ProgramSettings
from passiton.core.services.enrolment import Buyer, enrol, find_customer
from passiton.core.services.redemption import MAX_POINTS, Redemption, redeem
from passiton.core.services.shops import current_settings

log = logging.getLogger(__name__)
bp = Blueprint("woocommerce", __name__)
STATE_LIFETIME = timedelta(minutes=15)


def register_woocommerce_routes(app: Flask) -> None:
    """Merchant accounts and the WooCommerce routes, on one app."""
    app.register_blueprint(accounts.bp)
    app.register_blueprint(bp)


def _runtime() -> Runtime:
    runtime: Runtime = current_app.extensions["passiton"]
    return runtime


@bp.post("/woocommerce/connect")
def connect() -> ResponseReturnValue:
    """Start wc-auth from the account page's form; a cross-site request starts nothing."""
    merchant_id = current_merchant_id()
    if merchant_id is None:
        return redirect("/login", code=303)
    if not csrf_valid():
        return error_response(400, "bad_csrf_token", "reload the account page and try again")
    try:
        store_url = auth.normalise_store_url(request.form.get("store_url", "")[:300])
    except auth.InvalidStoreUrl as error:
        return redirect(f"/account?error={quote(str(error))}", code=303)
    runtime = _runtime()
    state = auth.new_state()
    with runtime.db.transaction() as session:
        session.add(
            ConnectRequest(
                state_hash=auth.state_digest(state),
                merchant_id=merchant_id,
                store_url=store_url,
                expires_at=datetime.now(UTC) + STATE_LIFETIME,
            )
        )
    app_url = runtime.settings.app_url
    target = auth.authorize_url(
        store_url, state, f"{app_url}/account", f"{app_url}/woocommerce/callback"
    )
    return redirect(target, code=303)


@bp.post("/woocommerce/callback")
def callback() -> ResponseReturnValue:
    """Record the key and answer at once; a task proves it against the store before linking.

    The store deletes the key unless we answer 200 within 60 s, and a store with one PHP
    worker is busy serving this very request: calling it back from here could deadlock.
    """
    grant = auth.parse_key_grant(request.get_json(silent=True, force=True))
    if grant is None:
        return error_response(400, "invalid_grant", "expected a read_write key grant")
    runtime = _runtime()
    request_id = runtime.db.run(lambda s: record_grant(s, runtime, grant, datetime.now(UTC)))
    if request_id is None:
        return error_response(401, "unknown_state", "this connect request is unknown or expired")
    log.info("woocommerce key grant received: request=%s", request_id)
    runtime.tasks.verify_woocommerce_grant(request_id)
    return jsonify({"status": "verifying"}), 200


@bp.post("/woocommerce/plugin/customer")
def plugin_customer() -> ResponseReturnValue:
    """The "Refer a friend" section: the shopper's link, points, codes and how to redeem."""
    signed = signed_plugin_call()
    if isinstance(signed, Response):
        return signed
    shop_id, body = signed
    buyer = buyer_of(body)
    app_url = _runtime().settings.app_url
    # The language the tab is shown in (the plugin sends WordPress's locale), else the one the
    # shopper last ordered in, else the shop's: the `*_text` values must match the page.
    page_locale = body.get("locale")
    page_locale = page_locale[:35] if isinstance(page_locale, str) else None

    def read(session: Session) -> dict[str, Any]:
        customer = enrol(session, shop_id, buyer)
        if customer is None:
            raise UnknownCustomer("the shopper needs an id or an e-mail")
        shop = session.get(Shop, shop_id)
        assert shop is not None  # the signed call found it active
        use_locale(page_locale, customer.locale, shop.locale)
        _, settings = current_settings(session, shop_id)
        data = widget_data(session, shop, settings, customer, app_url=app_url, login_url="")
        return customer_json(data, settings)

    return jsonify(_runtime().db.run(read))


@bp.post("/woocommerce/plugin/redeem")
def plugin_redeem() -> ResponseReturnValue:
    """Turn points into a reward (or gift) code; `idempotency_key` makes retries safe."""
    signed = signed_plugin_call()
    if isinstance(signed, Response):
        return signed
    shop_id, body = signed
    points, kind, key = body.get("points"), body.get("kind", "reward"), body.get("idempotency_key")
    if isinstance(points, bool) or not isinstance(points, int) or not 0 < points <= MAX_POINTS:
        message = f"points must be a whole number from 1 to {MAX_POINTS}"
        return error_response(422, "invalid_points", message)
    if kind not in ("reward", "gift"):
        return error_response(422, "invalid_kind", "kind must be 'reward' or 'gift'")
    if not isinstance(key, str) or not 0 < len(key) <= 120:
        return error_response(422, "invalid_idempotency_key", "send an idempotency_key")
    buyer = buyer_of(body)
    runtime = _runtime()

    def work(session: Session) -> tuple[Redemption, RewardCode]:
        customer = find_customer(session, shop_id, buyer)
        if customer is None:
            raise UnknownCustomer("no such referrer in this store")
        result = redeem(session, shop_id, customer.id, points, RewardKind(kind), key)
        reward = session.get(RewardCode, result.reward_id)
        assert reward is not None
        return result, reward

    result, reward = runtime.db.run(work)
    if result.new:
        runtime.tasks.fulfil_reward(result.reward_id)
    return jsonify(
        {
            "code": result.code,
            "points": points,
            "kind": kind,
            "status": result.status.value,
            "amount": str(reward.amount),
            "currency": reward.currency,
        }
    )


def signed_plugin_call() -> tuple[int, dict[str, Any]] | Response:
    """The store and JSON body of a call signed with the store's plugin key, or the 4xx."""
    shop_hint = request.headers.get("X-Passiton-Shop", "")
    timestamp = request.headers.get("X-Passiton-Timestamp", "")
    signature = request.headers.get("X-Passiton-Signature", "")
    body = request.get_data(cache=True)
    if not ascii_digits(shop_hint) or len(shop_hint) > 18 or not timestamp or not signature:
        return error_response(401, "unsigned", "the plugin's signature headers are missing")
    runtime = _runtime()
    with runtime.db.sessions() as session:
        shop = session.get(Shop, int(shop_hint))
        sealed = session.get(PluginKey, int(shop_hint))
        usable = shop is not None and shop.status is ShopStatus.ACTIVE
    key = runtime.vault.open_text(sealed.sealed_key) if sealed is not None and usable else None
    if key is None or not auth.plugin_request_valid(
        key, timestamp, body, signature, int(time.time())
    ):
        return error_response(401, "bad_signature", "the plugin's signature does not verify")
    parsed = request.get_json(silent=True)
    if not isinstance(parsed, dict):
        return error_response(400, "malformed_body", "the body must be a JSON object")
    return int(shop_hint), parsed


def buyer_of(body: dict[str, Any], locale: str | None = None) -> Buyer:
    """The shopper a plugin call names: its customer id (0 is a guest), e-mail and first name."""
    raw_id, email, name = body.get("customer_id"), body.get("email"), body.get("first_name")
    customer_id = (
        str(raw_id) if isinstance(raw_id, int | str) and str(raw_id) not in ("", "0") else None
    )
    return Buyer(
        customer_id=customer_id[:64] if customer_id else None,
        email=email[:320] if isinstance(email, str) and email else None,
        first_name=name[:255] if isinstance(name, str) and name else None,
        locale=locale,
    )


def customer_json(data: WidgetData, settings: ProgramSettings) -> dict[str, Any]:
    """What the Shopify widget shows, flat: the plugin's first four keys come first and stay."""
    customer = data["customer"]
    assert customer is not None
    return {
        "referral_code": customer["referral_code"],
        "link": customer["link"],
        "points_pending": customer["points_pending"],
        "points_available": customer["points_available"],
        "available_value": customer["available_value"],
        "currency": data["currency"],
        "available_value_text": customer["available_value_text"],
        # A paused program refuses redemptions: the plugin then shows no form.
        "program_enabled": settings.enabled,
        "min_redemption_points": data["min_redemption_points"],
        "points_per_currency_unit": data["points_per_currency_unit"],
        "gifts_enabled": data["gifts_enabled"],
        "rewards": data["rewards"],
        # The friend's discount in the page's language ("15%", "10,00 €"), for the plugin's
        # thank-you page, e-mails and "Refer a friend" panel.
        "friend_offer": data["friend_offer"],
    }
