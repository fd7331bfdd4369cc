"""The storefront widget behind Shopify's app proxy (`/apps/passiton/…` → `/proxy/…`).

Shopify signs every proxied request's query and names the logged-in customer in it; that
signed `logged_in_customer_id` is the only identity used here, so a shopper can only ever see
or spend their own points.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from passiton.app.http_errors import error_response
from passiton.app.runtime import Runtime
from passiton.app.shopify_wiring import shopify_secrets
from passiton.connectors.shopify.auth import proxy_request_valid, shop_domain
from passiton.core.errors import DomainError
from passiton.core.models import Customer, Platform, Referral, RewardCode, RewardKind, ShopStatus
from passiton.core.rewards import points_value
from passiton.core.services.enrolment import Buyer, customer_by_platform_id, enrol
from passiton.core.services.redemption import MAX_KEY_LENGTH, redeem
from passiton.core.services.shops import current_settings, find_shop

HISTORY_LIMIT = 50
MAX_CUSTOMER_ID = 64


class InvalidRedemptionRequest(DomainError):
    code = "invalid_request"


def proxy_blueprint() -> Blueprint:
    """The `/proxy/` blueprint; every request must carry a fresh Shopify proxy signature."""
    bp = Blueprint("shopify_proxy", __name__, url_prefix="/proxy")
    bp.before_request(_verify_proxy_request)
    bp.add_url_rule("/widget.json", view_func=widget, methods=["GET"])
    bp.add_url_rule("/redeem", view_func=redeem_points, methods=["POST"])
    bp.add_url_rule("/gift", view_func=gift_points, methods=["POST"])
    return bp


def _runtime() -> Runtime:
    runtime: Runtime = current_app.extensions["passiton"]
    return runtime


def _verify_proxy_request() -> ResponseReturnValue | None:
    runtime = _runtime()
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
    # Shopify sends the parameter empty for guests: the widget needs a customer account.
    if not customer.isdigit() or len(customer) > MAX_CUSTOMER_ID:
        return error_response(401, "not_logged_in", "log in to see your referral rewards")
    g.platform_customer_id = customer
    return None


def widget() -> Response:
    """The logged-in customer's link, points, referrals, reward codes and redemption rules."""
    runtime = _runtime()

    def read(session: Any) -> dict[str, Any]:
        customer = enrol(session, g.shop_id, Buyer(customer_id=g.platform_customer_id, email=None))
        assert customer is not None  # a customer id always identifies the buyer
        _, settings = current_settings(session, g.shop_id)
        referrals = session.scalars(
            select(Referral)
            .where(Referral.shop_id == g.shop_id, Referral.referrer_id == customer.id)
            .order_by(Referral.id.desc())
            .limit(HISTORY_LIMIT)
        ).all()
        rewards = session.scalars(
            select(RewardCode)
            .where(RewardCode.shop_id == g.shop_id, RewardCode.customer_id == customer.id)
            .order_by(RewardCode.id.desc())
            .limit(HISTORY_LIMIT)
        ).all()
        return {
            "referral_code": customer.referral_code,
            "referral_link": f"{runtime.settings.app_url}/r/{customer.referral_code}",
            "points": {
                "pending": customer.points_pending,
                "available": customer.points_available,
                "available_value": str(points_value(settings, customer.points_available)),
            },
            # No friend e-mails: they are the friends' personal data, not the referrer's.
            "referrals": [_referral_json(r) for r in referrals],
            "rewards": [reward_json(r) for r in rewards],
            "program": {
                "enabled": settings.enabled,
                "min_redemption_points": settings.min_redemption_points,
                "points_per_currency_unit": settings.points_per_currency_unit,
                "value_per_point": str(Decimal(1) / settings.points_per_currency_unit),
                "gifts_enabled": settings.gifts_enabled,
                "how_it_works": settings.how_it_works,
            },
        }

    return jsonify(runtime.db.run(read))


def redeem_points() -> ResponseReturnValue:
    """Turn points into a reward code for the customer (single use, restricted to them)."""
    return _redeem(RewardKind.REWARD)


def gift_points() -> ResponseReturnValue:
    """Turn points into a gift code anyone can use."""
    return _redeem(RewardKind.GIFT)


def _redeem(kind: RewardKind) -> ResponseReturnValue:
    runtime = _runtime()
    # Only a JSON body is read: a cross-site form posting to the storefront (which Shopify
    # would proxy, signed, with the victim's customer id) cannot send application/json
    # without a CORS preflight, so it cannot spend anyone's points.
    points, key = _redemption_request(request.get_json(silent=True))
    shop_id, platform_customer_id = g.shop_id, g.platform_customer_id

    def work(session: Any) -> tuple[int, int]:
        customer = customer_by_platform_id(session, shop_id, platform_customer_id)
        return redeem(session, shop_id, customer.id, points, kind, key).reward_id, customer.id

    reward_id, customer_id = runtime.db.run(work)
    # After the commit: the store call happens in a task, outside any transaction.
    runtime.tasks.fulfil_reward(reward_id)
    with runtime.db.sessions() as session:
        reward = session.get(RewardCode, reward_id)
        customer = session.get(Customer, customer_id)
        assert reward is not None
        assert customer is not None
        body = {"reward": reward_json(reward), "points_available": customer.points_available}
    return jsonify(body), 200


def _redemption_request(body: object) -> tuple[int, str]:
    if not isinstance(body, dict):
        raise InvalidRedemptionRequest("send a JSON object with points and idempotency_key")
    points, key = body.get("points"), body.get("idempotency_key")
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise InvalidRedemptionRequest("points must be a positive whole number", field="points")
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise InvalidRedemptionRequest(
            f"idempotency_key must be 1 to {MAX_KEY_LENGTH} characters", field="idempotency_key"
        )
    return points, key


def _referral_json(referral: Referral) -> dict[str, Any]:
    return {
        "status": referral.status.value,
        "points_pending": referral.points_pending,
        "points_approved": referral.points_approved,
        "created_at": referral.created_at.isoformat(),
        "approve_after": referral.approve_after.isoformat() if referral.approve_after else None,
    }


def reward_json(reward: RewardCode) -> dict[str, Any]:
    """A reward or gift code as the widget shows it."""
    return {
        "code": reward.code,
        "kind": reward.kind.value,
        "points": reward.points,
        "amount": str(reward.amount),
        "currency": reward.currency,
        "status": reward.status.value,
    }
