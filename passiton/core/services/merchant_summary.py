"""The merchant's weekly summary: what the program did last week and what waits for them.

One message per shop and ISO week (its idempotency key names the week), to the store's contact
address, else the Passiton accounts that manage the shop: the periodic job may run as often as
it likes, late or twice, and still writes one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passiton.core.identity import is_plausible_email
from passiton.core.merchants import Merchant, MerchantShop
from passiton.core.models import Customer, MessageKind, Referral, ReferralStatus, Shop, ShopStatus
from passiton.core.services import mail_delivery
from passiton.core.services.outbox import queue_message
from passiton.core.services.reports import EARNING


def week_of(now: datetime) -> tuple[str, datetime, datetime]:
    """The ISO week before `now`'s: its name ("2026-W48"), first and last instant (UTC)."""
    monday = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    start = monday - timedelta(days=7)
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}", start, monday


def queue_weekly_summaries(session: Session, now: datetime) -> int:
    """Owe every active shop last week's summary; return how many were newly queued."""
    name, start, end = week_of(now)
    queued = 0
    for shop in session.scalars(select(Shop).where(Shop.status == ShopStatus.ACTIVE)):
        if (
            MessageKind.MERCHANT_SUMMARY.value
            in mail_delivery.mail_settings_of(session, shop.id).disabled_kinds
        ):
            continue
        context = summary_context(session, shop.id, start, end) | {"week": name}
        for address in _recipients(session, shop):
            message = queue_message(
                session,
                shop_id=shop.id,
                kind=MessageKind.MERCHANT_SUMMARY,
                to=address,
                event_key=f"summary:{name}",
                locale=shop.locale,
                context=context,
            )
            queued += message is not None
    return queued


def summary_context(
    session: Session, shop_id: int, start: datetime, end: datetime
) -> dict[str, Any]:
    """Last week's numbers and the program's standing now, as JSON-safe values."""
    claimed = session.scalar(
        select(func.count())
        .select_from(Referral)
        .where(Referral.shop_id == shop_id, Referral.created_at >= start, Referral.created_at < end)
    )
    converted, revenue = session.execute(
        select(func.count(), func.coalesce(func.sum(Referral.order_subtotal), 0)).where(
            Referral.shop_id == shop_id,
            Referral.converted_at >= start,
            Referral.converted_at < end,
            Referral.status.in_(EARNING),
        )
    ).one()
    pending, available = session.execute(
        select(
            func.coalesce(func.sum(Customer.points_pending), 0),
            func.coalesce(func.sum(Customer.points_available), 0),
        ).where(Customer.shop_id == shop_id)
    ).one()
    in_review = session.scalar(
        select(func.count())
        .select_from(Referral)
        .where(Referral.shop_id == shop_id, Referral.status == ReferralStatus.REVIEW)
    )
    return {
        "referrals": int(claimed or 0),
        "orders": int(converted or 0),
        "revenue": str(Decimal(revenue or 0).quantize(Decimal("0.01"))),
        "points_outstanding": int(pending) + int(available),
        "in_review": int(in_review or 0),
    }


def _recipients(session: Session, shop: Shop) -> list[str]:
    if shop.contact_email and is_plausible_email(shop.contact_email):
        return [shop.contact_email]
    managers = session.scalars(
        select(Merchant.email)
        .join(MerchantShop, MerchantShop.merchant_id == Merchant.id)
        .where(MerchantShop.shop_id == shop.id)
        .order_by(Merchant.id)
    )
    return [address for address in managers if is_plausible_email(address)]
