"""Turning points into a code from a storefront surface: the request and the answer.

Shared by the app proxy's widget and the customer-account extension: both read the same JSON
body and answer the same `WidgetRedemption`, in the referrer's language.
"""

from __future__ import annotations

from passiton.app.web.current import current_runtime
from passiton.app.web.i18n import money, use_locale
from passiton.app.web.widget.page import WidgetRedemption
from passiton.core.errors import DomainError
from passiton.core.models import Customer, RewardCode, RewardKind, Shop
from passiton.core.services.redemption import MAX_KEY_LENGTH, MAX_POINTS


class InvalidRedemptionRequest(DomainError):
    code = "invalid_request"


def redemption_answer(reward_id: int) -> WidgetRedemption:
    """The code a redemption made, as the widget shows it."""
    with current_runtime().db.sessions() as session:
        reward = session.get(RewardCode, reward_id)
        assert reward is not None
        shop = session.get(Shop, reward.shop_id)
        customer = session.get(Customer, reward.customer_id)
        use_locale(customer.locale if customer else None, shop.locale if shop else None)
        return {
            "reward": {
                "kind": reward.kind.value,
                "code": reward.code,
                "amount": str(reward.amount),
                "amount_text": money(reward.amount, reward.currency),
                "currency": reward.currency,
                "status": reward.status.value,
            }
        }


def redemption_request(body: object) -> tuple[int, RewardKind, str]:
    """Points, kind and idempotency key from a JSON body; InvalidRedemptionRequest if wrong."""
    if not isinstance(body, dict):
        raise InvalidRedemptionRequest("send a JSON object with points, kind and idempotency_key")
    points, kind, key = body.get("points"), body.get("kind"), body.get("idempotency_key")
    if isinstance(points, bool) or not isinstance(points, int) or not 0 < points <= MAX_POINTS:
        raise InvalidRedemptionRequest(
            f"points must be a whole number from 1 to {MAX_POINTS}", field="points"
        )
    if not isinstance(kind, str) or kind not in {k.value for k in RewardKind}:
        raise InvalidRedemptionRequest('kind must be "reward" or "gift"', field="kind")
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise InvalidRedemptionRequest(
            f"idempotency_key must be 1 to {MAX_KEY_LENGTH} characters", field="idempotency_key"
        )
    return points, RewardKind(kind), key
