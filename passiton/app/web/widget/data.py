"""What the storefront widget shows, as `WidgetData`: one shape for the page and widget.json."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.app.web.friend.landing import discount_text
from passiton.app.web.widget.page import WidgetCustomer, WidgetData, WidgetHistoryLine, WidgetReward
from passiton.core.models import Customer, EntryKind, LedgerEntry, RewardCode, Shop
from passiton.core.program_settings import ProgramSettings
from passiton.core.rewards import points_value

HISTORY_LIMIT = 50

# No friend e-mails or order numbers: they are the friends' personal data, not the referrer's.
HISTORY_TEXT: dict[EntryKind, str] = {
    EntryKind.EARN: "A friend's order",
    EntryKind.APPROVE: "Points confirmed after the return window",
    EntryKind.CLAWBACK: "A friend's order was refunded",
    EntryKind.REDEEM: "Points turned into a code",
    EntryKind.REDEEM_RETURN: "Points returned: the code could not be made",
    EntryKind.ADJUST: "Adjusted by the store",
}


def widget_data(
    session: Session,
    shop: Shop,
    settings: ProgramSettings,
    customer: Customer | None,
    *,
    app_url: str,
    login_url: str,
) -> WidgetData:
    """The widget's data for `customer` in `shop`; a guest (None) sees only the offer."""
    return {
        "shop_name": shop.name or shop.domain,
        "currency": shop.currency,
        "friend_offer": discount_text(settings, shop.currency),
        "min_redemption_points": settings.min_redemption_points,
        "points_per_currency_unit": settings.points_per_currency_unit,
        "gifts_enabled": settings.gifts_enabled,
        "login_url": login_url,
        "customer": _customer(settings, customer, app_url) if customer else None,
        "history": _history(session, customer) if customer else [],
        "rewards": _rewards(session, customer) if customer else [],
    }


def _customer(settings: ProgramSettings, customer: Customer, app_url: str) -> WidgetCustomer:
    return {
        "first_name": customer.first_name,
        "referral_code": customer.referral_code,
        "link": f"{app_url}/r/{customer.referral_code}",
        "points_pending": customer.points_pending,
        "points_available": customer.points_available,
        "available_value": str(points_value(settings, customer.points_available)),
    }


def _history(session: Session, customer: Customer) -> list[WidgetHistoryLine]:
    entries = session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.shop_id == customer.shop_id, LedgerEntry.customer_id == customer.id)
        .order_by(LedgerEntry.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return [
        {
            "date": entry.created_at.date().isoformat(),
            "description": HISTORY_TEXT[entry.kind],
            "points": _points_shown(entry),
        }
        for entry in entries
    ]


def _points_shown(entry: LedgerEntry) -> int:
    # An approval moves points from pending to available: the sum of its deltas is zero, but
    # the shopper reads it as the points they can now spend.
    if entry.kind is EntryKind.APPROVE:
        return entry.available_delta
    return entry.pending_delta + entry.available_delta


def _rewards(session: Session, customer: Customer) -> list[WidgetReward]:
    codes = session.scalars(
        select(RewardCode)
        .where(RewardCode.shop_id == customer.shop_id, RewardCode.customer_id == customer.id)
        .order_by(RewardCode.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return [
        {"kind": r.kind.value, "code": r.code, "amount": str(r.amount), "status": r.status.value}
        for r in codes
    ]
