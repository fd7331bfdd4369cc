"""Settlement: bring a converted referral's credit in line with its order's current state.

Every decision is recomputed from the stored order state (paid, cancelled, refunds so far), so
duplicated, reordered and late events converge on the same result. Callers lock the referral row
first; ledger keys carry the referral's entry sequence, so two writers that raced past the lock
collide on the unique key instead of posting twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passiton.core import ledger
from passiton.core.models import (
    EntryKind,
    OrderRecord,
    OrderRefund,
    Referral,
    ReferralStatus,
)
from passiton.core.rewards import CENT, net_fraction, points_for_order
from passiton.core.services import milestones
from passiton.core.services.outbound_hooks import HookEvent, referral_changed
from passiton.core.services.referrer_mail import queue_points_pending, queue_points_ready
from passiton.core.services.row_locks import lock_customer
from passiton.core.services.shops import settings_at

UNRECOVERED_CLAWBACK = "unrecovered_clawback"


def refunded_total(session: Session, shop_id: int, order_id: str) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(OrderRefund.amount), 0)).where(
            OrderRefund.shop_id == shop_id, OrderRefund.order_id == order_id
        )
    )
    return Decimal(total or 0)


def order_record(session: Session, shop_id: int, order_id: str) -> OrderRecord | None:
    return session.scalar(
        select(OrderRecord).where(OrderRecord.shop_id == shop_id, OrderRecord.order_id == order_id)
    )


def target_points(session: Session, referral: Referral, order: OrderRecord | None) -> int:
    """What the referral should have earned given its order as it stands now."""
    if order is None or not order.known or not order.paid or order.cancelled or order.deleted:
        return 0
    settings = settings_at(session, referral.shop_id, referral.settings_version)
    refunded = refunded_total(session, referral.shop_id, order.order_id)
    return points_for_order(settings, order.subtotal, order.total, refunded)


def settle(session: Session, referral: Referral, now: datetime) -> None:
    """Post whatever entry makes the referral's credit match its order (nothing if it does)."""
    if referral.order_id is None:
        return
    order = order_record(session, referral.shop_id, referral.order_id)
    target = target_points(session, referral, order)
    if order is not None and order.known:
        kept = net_fraction(order.total, refunded_total(session, referral.shop_id, order.order_id))
        referral.order_subtotal = (order.subtotal * kept).quantize(CENT)
    if referral.status in (ReferralStatus.PENDING, ReferralStatus.REVERSED):
        _settle_pending(session, referral, target, now)
    elif referral.status is ReferralStatus.APPROVED or (
        referral.status is ReferralStatus.REVIEW and referral.review_reason == UNRECOVERED_CLAWBACK
    ):
        _settle_approved(session, referral, target)
        _follow_milestones(session, referral, target)


def _follow_milestones(session: Session, referral: Referral, target: int) -> None:
    if milestones.follow(session, referral, target):
        # The bonus this referral reached was already spent: as for its own credit, the
        # balance never goes negative in silence; the merchant decides in the review queue.
        referral.status = ReferralStatus.REVIEW
        referral.review_reason = UNRECOVERED_CLAWBACK


def _settle_pending(session: Session, referral: Referral, target: int, now: datetime) -> None:
    delta = target - referral.points_pending
    if delta:
        first = referral.entry_seq == 0
        _post(
            session,
            referral,
            EntryKind.EARN if first else EntryKind.ADJUST,
            f"earn:{referral.order_id}"
            if first
            else f"adjust:{referral.order_id}:{referral.entry_seq}",
            pending=delta,
        )
        referral.points_pending = target
        if first and target > 0:
            queue_points_pending(session, referral, target)
    if target > 0:
        if referral.status is ReferralStatus.REVERSED or referral.approve_after is None:
            settings = settings_at(session, referral.shop_id, referral.settings_version)
            referral.approve_after = now + timedelta(days=settings.hold_days)
        referral.status = ReferralStatus.PENDING
        key = f"referral.converted:{referral.id}"
        referral_changed(session, referral, HookEvent.REFERRAL_CONVERTED, key)
    else:
        _reverse(session, referral)


def _reverse(session: Session, referral: Referral) -> None:
    if referral.status is not ReferralStatus.REVERSED:
        # Reinstated and reversed again is a new reversal: the entry count tells them apart.
        key = f"referral.reversed:{referral.id}:{referral.entry_seq}"
        referral.status = ReferralStatus.REVERSED
        referral_changed(session, referral, HookEvent.REFERRAL_REVERSED, key)


def withdraw_pending(session: Session, referral: Referral, now: datetime) -> None:
    """Take back a referral's pending credit (the merchant refused it in review)."""
    _settle_pending(session, referral, 0, now)


def _settle_approved(session: Session, referral: Referral, target: int) -> None:
    kept = referral.points_approved - referral.points_clawed_back - referral.points_unrecovered
    owed = kept - target
    if owed > 0:
        customer = lock_customer(session, referral.referrer_id)
        take = min(owed, customer.points_available)
        if take:
            _post(
                session,
                referral,
                EntryKind.CLAWBACK,
                f"clawback:{referral.order_id}:{referral.entry_seq}",
                available=-take,
            )
            referral.points_clawed_back += take
        short = owed - take
        if short:
            # The referrer already spent the points: never drive a balance negative in
            # silence; the merchant decides in the review queue.
            referral.points_unrecovered += short
            referral.status = ReferralStatus.REVIEW
            referral.review_reason = UNRECOVERED_CLAWBACK
    elif owed < 0 and referral.points_clawed_back > 0:
        # The store reinstated the order (e.g. a WooCommerce status moved back): give back
        # what was clawed, never more than was approved.
        back = min(-owed, referral.points_clawed_back)
        _post(
            session,
            referral,
            EntryKind.ADJUST,
            f"adjust:{referral.order_id}:{referral.entry_seq}",
            available=back,
        )
        referral.points_clawed_back -= back
    if target == 0 and referral.status is ReferralStatus.APPROVED:
        _reverse(session, referral)


def _post(
    session: Session,
    referral: Referral,
    kind: EntryKind,
    key: str,
    *,
    pending: int = 0,
    available: int = 0,
) -> None:
    ledger.post(
        session,
        shop_id=referral.shop_id,
        customer_id=referral.referrer_id,
        kind=kind,
        key=key,
        pending=pending,
        available=available,
        referral_id=referral.id,
    )
    referral.entry_seq += 1


def approve(session: Session, referral: Referral, now: datetime) -> None:
    """Make a pending credit available (the hold period has passed, or the merchant said so)."""
    points = referral.points_pending
    if points <= 0:
        referral.status = ReferralStatus.REVERSED
        return
    _post(
        session,
        referral,
        EntryKind.APPROVE,
        f"approve:{referral.order_id}",
        pending=-points,
        available=points,
    )
    referral.points_pending = 0
    referral.points_approved = points
    referral.status = ReferralStatus.APPROVED
    referral.approved_at = now
    key = f"referral.approved:{referral.id}"
    referral_changed(session, referral, HookEvent.REFERRAL_APPROVED, key)
    queue_points_ready(session, referral, points)
    milestones.grant_reached(session, referral)
