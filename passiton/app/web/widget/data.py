"""What the storefront widget shows, as `WidgetData`: one shape for the page and widget.json."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.app.web.friend.landing import friend_discount, milestone_texts
from passiton.app.web.i18n import day, money
from passiton.app.web.widget.page import WidgetCustomer, WidgetData, WidgetHistoryLine, WidgetReward
from passiton.core.models import Customer, EntryKind, LedgerEntry, RewardCode, Shop
from passiton.core.program_settings import ProgramSettings
from passiton.core.rewards import points_value

HISTORY_LIMIT = 50

# No friend e-mails or order numbers: they are the friends' personal data, not the referrer's.
HISTORY_TEXT = {
    EntryKind.EARN: lazy_gettext("A friend's order"),
    EntryKind.APPROVE: lazy_gettext("Points confirmed after the return window"),
    EntryKind.CLAWBACK: lazy_gettext("A friend's order was refunded"),
    EntryKind.REDEEM: lazy_gettext("Points turned into a code"),
    EntryKind.REDEEM_RETURN: lazy_gettext("Points returned: the code could not be made"),
    EntryKind.ADJUST: lazy_gettext("Adjusted by the store"),
    EntryKind.MILESTONE: lazy_gettext("Milestone bonus for your friends' confirmed orders"),
    EntryKind.MILESTONE_CLAWBACK: lazy_gettext(
        "Milestone bonus taken back: the friend's order was refunded"
    ),
    EntryKind.MILESTONE_RETURN: lazy_gettext(
        "Milestone bonus returned: the friend's order was reinstated"
    ),
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
    """The widget's data for `customer` in `shop`; a guest (None) sees only the offer.

    The `*_text` fields are written in the request's locale (`i18n.use_locale`): amounts in
    the shop's currency, dates in the shop's time zone.
    """
    return {
        "shop_name": shop.name or shop.domain,
        "currency": shop.currency,
        "friend_offer": friend_discount(settings, shop.currency),
        "min_redemption_points": settings.min_redemption_points,
        "points_per_currency_unit": settings.points_per_currency_unit,
        "gifts_enabled": settings.gifts_enabled,
        "milestones": milestone_texts(settings),
        "login_url": login_url,
        "unit_value_text": money(Decimal(1), shop.currency),
        "customer": _customer(settings, customer, shop, app_url) if customer else None,
        "history": _history(session, customer, shop) if customer else [],
        "rewards": _rewards(session, customer, shop) if customer else [],
    }


def _customer(
    settings: ProgramSettings, customer: Customer, shop: Shop, app_url: str
) -> WidgetCustomer:
    value = points_value(settings, customer.points_available)
    return {
        "first_name": customer.first_name,
        "referral_code": customer.referral_code,
        "link": f"{app_url}/r/{customer.referral_code}",
        "points_pending": customer.points_pending,
        "points_available": customer.points_available,
        "available_value": str(value),
        "available_value_text": money(value, shop.currency),
    }


def _history(session: Session, customer: Customer, shop: Shop) -> list[WidgetHistoryLine]:
    entries = session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.shop_id == customer.shop_id, LedgerEntry.customer_id == customer.id)
        .order_by(LedgerEntry.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return [
        {
            "date": entry.created_at.date().isoformat(),
            "date_text": day(entry.created_at, shop.timezone),
            "description": str(HISTORY_TEXT[entry.kind]),
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


def _rewards(session: Session, customer: Customer, shop: Shop) -> list[WidgetReward]:
    codes = session.scalars(
        select(RewardCode)
        .where(RewardCode.shop_id == customer.shop_id, RewardCode.customer_id == customer.id)
        .order_by(RewardCode.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return [
        {
            "kind": r.kind.value,
            "code": r.code,
            "amount": str(r.amount),
            "amount_text": money(r.amount, r.currency),
            "status": r.status.value,
        }
        for r in codes
    ]
