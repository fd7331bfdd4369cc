"""Orders: record the store's current state, attribute it to a referral, convert and settle."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from passiton.core.codes import canonical
from passiton.core.events import OrderState, RefundSeen
from passiton.core.fraud import Party, Verdict, judge
from passiton.core.identity import email_key, phone_key
from passiton.core.models import (
    Customer,
    FriendCode,
    FriendCodeStatus,
    OrderRecord,
    OrderRefund,
    Referral,
    ReferralStatus,
    Shop,
)
from passiton.core.services.enrolment import by_referral_code, enrol
from passiton.core.services.friend_referrals import insert_referral, referral_of_friend
from passiton.core.services.marketing_consent import note_checkout_consent
from passiton.core.services.order_buyers import buyer_of_order
from passiton.core.services.redactions import unless_redacted, was_redacted
from passiton.core.services.referrer_mail import queue_invitation
from passiton.core.services.row_locks import lock_referral
from passiton.core.services.settlement import settle
from passiton.core.services.shops import current_settings, settings_at

VELOCITY_WINDOW = timedelta(days=30)
FOREIGN_CURRENCY = "foreign_currency"
"""Review reason: the order's amounts are not in the shop's currency (e.g. a WooCommerce
multi-currency plugin's order), so points and revenue cannot be computed from them."""
FOREIGN_REFUND = "foreign_refund_currency"
"""Review reason: a refund came in a currency that is neither the shop's nor its order's."""


def handle_order(session: Session, shop_id: int, state: OrderState, now: datetime) -> None:
    """Apply an order's current state to the program."""
    state = unless_redacted(session, shop_id, state)
    record = _record_state(session, shop_id, state)
    if record.paid and not record.cancelled and not record.deleted:
        buyer = enrol(session, shop_id, buyer_of_order(state))
        if buyer is not None:
            note_checkout_consent(session, buyer, state.marketing)
            queue_invitation(session, shop_id, buyer, now)
    referral_id = _attributed_referral(session, shop_id, state)
    if referral_id is None:
        return
    referral = lock_referral(session, referral_id)
    if referral.order_id is None:
        if not (record.paid and not record.cancelled and not record.deleted):
            return
        _convert(session, referral, record, state, now)
    if referral.order_id == state.order_id:
        settle(session, referral, now)


def handle_refund(
    session: Session, shop_id: int, order_id: str, refund: RefundSeen, now: datetime
) -> None:
    """Record a refund (possibly before its order) and settle the order's referral."""
    record = _lock_or_create(session, shop_id, order_id)
    _add_refunds(session, shop_id, record, (refund,))
    _settle_bound(session, shop_id, record.order_id, now)


def handle_deleted(session: Session, shop_id: int, order_id: str, now: datetime) -> None:
    record = _lock_or_create(session, shop_id, order_id)
    record.deleted = True
    _settle_bound(session, shop_id, order_id, now)


def _settle_bound(session: Session, shop_id: int, order_id: str, now: datetime) -> None:
    referral_id = session.scalar(
        select(Referral.id).where(Referral.shop_id == shop_id, Referral.order_id == order_id)
    )
    if referral_id is not None:
        settle(session, lock_referral(session, referral_id), now)


def _record_state(session: Session, shop_id: int, state: OrderState) -> OrderRecord:
    record = _lock_or_create(session, shop_id, state.order_id)
    stale = (
        record.known
        and record.state_updated_at is not None
        and state.updated_at < record.state_updated_at
    )
    if not stale:
        # Deliveries arrive out of order: only a state at least as new as ours replaces it.
        record.known = True
        record.state_updated_at = state.updated_at
        record.customer_id = state.customer_id
        record.email_key = email_key(state.email)
        record.currency = state.currency
        record.total = state.total
        record.subtotal = state.subtotal
        record.paid = state.paid
        record.cancelled = state.cancelled
        record.deleted = False
    # Refunds are facts that never un-happen: merge them whatever the snapshot's age.
    _add_refunds(session, shop_id, record, state.refunds)
    return record


def _lock_or_create(session: Session, shop_id: int, order_id: str) -> OrderRecord:
    query = (
        select(OrderRecord)
        .where(OrderRecord.shop_id == shop_id, OrderRecord.order_id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    record = session.scalar(query)
    if record is not None:
        return record
    try:
        with session.begin_nested():
            record = OrderRecord(shop_id=shop_id, order_id=order_id, known=False)
            session.add(record)
    except IntegrityError:
        record = session.scalar(query)
        assert record is not None
    return record


def _add_refunds(
    session: Session, shop_id: int, record: OrderRecord, refunds: tuple[RefundSeen, ...]
) -> None:
    if not refunds:
        return
    order_id = record.order_id
    known = set(
        session.scalars(
            select(OrderRefund.refund_id).where(
                OrderRefund.shop_id == shop_id, OrderRefund.order_id == order_id
            )
        )
    )
    shop_currency = _shop_currency(session, shop_id)
    for refund in refunds:
        if refund.refund_id in known:
            continue
        order_currency = record.currency.upper() if record.known else shop_currency
        if refund.currency and refund.currency.upper() not in {shop_currency, order_currency}:
            # Subtracting yen from dollars would be worse than not subtracting at all: the
            # merchant decides, with the reason, in the review queue.
            _flag_foreign_refund(session, shop_id, order_id)
            continue
        known.add(refund.refund_id)
        session.add(
            OrderRefund(
                shop_id=shop_id,
                order_id=order_id,
                refund_id=refund.refund_id,
                amount=abs(refund.amount),
            )
        )
    session.flush()


def _flag_foreign_refund(session: Session, shop_id: int, order_id: str) -> None:
    referral_id = session.scalar(
        select(Referral.id).where(Referral.shop_id == shop_id, Referral.order_id == order_id)
    )
    if referral_id is None:
        return
    referral = lock_referral(session, referral_id)
    if referral.status is ReferralStatus.PENDING:
        referral.status = ReferralStatus.REVIEW
        referral.review_reason = FOREIGN_REFUND


def _shop_currency(session: Session, shop_id: int) -> str:
    shop = session.get(Shop, shop_id)
    return (shop.currency if shop is not None else "").upper()


def _attributed_referral(session: Session, shop_id: int, state: OrderState) -> int | None:
    """The referral this order belongs to: already bound, by friend code, or by referral code."""
    bound = session.scalar(
        select(Referral.id).where(Referral.shop_id == shop_id, Referral.order_id == state.order_id)
    )
    if bound is not None:
        return bound
    codes = {canonical(c) for c in state.codes if c}
    if codes:
        by_code = session.scalar(
            select(Referral.id)
            .join(FriendCode, FriendCode.id == Referral.friend_code_id)
            .where(
                FriendCode.shop_id == shop_id,
                FriendCode.code.in_(codes),
                FriendCode.status == FriendCodeStatus.ASSIGNED,
                Referral.order_id.is_(None),
            )
            .limit(1)
        )
        if by_code is not None:
            return by_code
    if state.ref_code:
        return _referral_from_ref(session, shop_id, state)
    return None


def _referral_from_ref(session: Session, shop_id: int, state: OrderState) -> int | None:
    """Attribution by a referral code carried on the order (cart attribute / order meta)."""
    assert state.ref_code is not None
    referrer = by_referral_code(session, shop_id, state.ref_code)
    key = email_key(state.email)
    if referrer is None or key is None:
        return None
    existing = referral_of_friend(session, shop_id, key)
    if existing is None:
        version, _ = current_settings(session, shop_id)
        inserted = insert_referral(
            session,
            shop_id=shop_id,
            referrer_id=referrer.id,
            settings_version=version,
            email=state.email,
            key=key,
        )
        if inserted is not None:
            return inserted
        existing = referral_of_friend(session, shop_id, key, fresh=True)
        assert existing is not None  # the row the insert conflicted with
    return existing.id if existing.order_id is None else None


def _convert(
    session: Session, referral: Referral, record: OrderRecord, state: OrderState, now: datetime
) -> None:
    settings = settings_at(session, referral.shop_id, referral.settings_version)
    referrer = session.get(Customer, referral.referrer_id)
    assert referrer is not None
    friend = Party(
        state.customer_id, email_key(state.email), state.shipping_key, phone_key(state.phone)
    )
    decision = judge(
        settings,
        Party(
            referrer.platform_customer_id,
            referrer.email_key,
            referrer.shipping_key,
            referrer.phone_key,
        ),
        friend,
        friend_is_new=_is_new_customer(session, referral.shop_id, state, record),
        referrer_recent_conversions=_recent_conversions(session, referrer.id, now),
    )
    referral.order_id = state.order_id
    referral.friend_customer_id = state.customer_id
    referral.converted_at = now
    if decision.verdict is Verdict.REJECT:
        referral.status = ReferralStatus.REJECTED
        referral.review_reason = decision.reason
    elif state.currency.upper() != _shop_currency(session, referral.shop_id):
        # Points per currency unit and referred revenue assume the shop's currency; there is
        # no exchange rate to apply, so a person decides instead of a wrong automatic credit.
        referral.status = ReferralStatus.REVIEW
        referral.review_reason = FOREIGN_CURRENCY
    elif decision.verdict is Verdict.REVIEW:
        referral.status = ReferralStatus.REVIEW
        referral.review_reason = decision.reason
    else:
        referral.status = ReferralStatus.PENDING
    session.flush()


def _is_new_customer(
    session: Session, shop_id: int, state: OrderState, record: OrderRecord
) -> bool:
    if state.prior_orders:
        return False
    key = email_key(state.email)
    if was_redacted(session, shop_id, state.customer_id, key):
        # Their earlier orders no longer name them, but the shop did know them.
        return False
    who = []
    if state.customer_id:
        who.append(OrderRecord.customer_id == state.customer_id)
    if key:
        who.append(OrderRecord.email_key == key)
    if not who:
        return True
    earlier = session.scalar(
        select(func.count())
        .select_from(OrderRecord)
        .where(
            OrderRecord.shop_id == shop_id,
            OrderRecord.order_id != state.order_id,
            OrderRecord.paid.is_(True),
            OrderRecord.first_seen_at < record.first_seen_at,
            or_(*who),
        )
    )
    return not earlier


def _recent_conversions(session: Session, referrer_id: int, now: datetime) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Referral)
            .where(
                Referral.referrer_id == referrer_id,
                Referral.converted_at >= now - VELOCITY_WINDOW,
                Referral.status.in_([ReferralStatus.PENDING, ReferralStatus.APPROVED]),
            )
        )
        or 0
    )
