"""Redemption: points become a reward code (for the referrer) or a gift code (for anyone).

The debit and the code's row are written in one transaction under one idempotency key, so a
retried request returns the same code and never debits twice. Creating the code on the store
happens afterwards, outside any transaction; if the store refuses it for good, the points come
back with a compensating entry under its own key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.core import ledger
from passiton.core.codes import reward_code
from passiton.core.errors import (
    BelowRedemptionMinimum,
    GiftsDisabled,
    IdempotencyConflict,
    InsufficientPoints,
    ProgramPaused,
)
from passiton.core.models import (
    Customer,
    EntryKind,
    RewardCode,
    RewardCodeStatus,
    RewardKind,
    Shop,
    ShopStatus,
    utcnow,
)
from passiton.core.ports import RestrictedCodeSpec, StoreDirectory, StoreError
from passiton.core.rewards import points_value
from passiton.core.services.outbound_hooks import reward_issued
from passiton.core.services.row_locks import lock_customer
from passiton.core.services.shops import current_settings, store_shop

MAX_KEY_LENGTH = 120
MAX_POINTS = 1_000_000_000
"""More points than any balance holds; larger requests are refused before any lookup."""
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Redemption:
    reward_id: int
    code: str
    points: int
    kind: RewardKind
    status: RewardCodeStatus
    new: bool


def redeem(
    session: Session,
    shop_id: int,
    customer_id: int,
    points: int,
    kind: RewardKind,
    idempotency_key: str,
) -> Redemption:
    """Debit `points` and owe the store one code worth them; the same key returns the same code."""
    key = f"{customer_id}:{idempotency_key[:MAX_KEY_LENGTH]}"
    existing = _earlier(session, shop_id, key, points, kind)
    if existing is not None:
        return existing
    shop = session.get(Shop, shop_id)
    _, settings = current_settings(session, shop_id)
    if shop is None or shop.status is not ShopStatus.ACTIVE or not settings.enabled:
        raise ProgramPaused("this store's referral program is paused")
    if kind is RewardKind.GIFT and not settings.gifts_enabled:
        raise GiftsDisabled("this store does not offer gift codes")
    if points < settings.min_redemption_points:
        raise BelowRedemptionMinimum(
            f"redeem at least {settings.min_redemption_points} points", field="points"
        )
    amount = points_value(settings, points)
    customer = lock_customer(session, customer_id)
    # A retry of the same request may have waited for this lock while the first one
    # committed: look again now, or it would see the debited balance and refuse.
    existing = _earlier(session, shop_id, key, points, kind)
    if existing is not None:
        return existing
    if customer.shop_id != shop_id or points > customer.points_available:
        raise InsufficientPoints(
            f"only {customer.points_available} points are available", field="points"
        )
    ledger.post(
        session,
        shop_id=shop_id,
        customer_id=customer_id,
        kind=EntryKind.REDEEM,
        key=f"redeem:{key}",
        available=-points,
    )
    reward = RewardCode(
        shop_id=shop_id,
        customer_id=customer_id,
        kind=kind,
        code=reward_code(kind.value),
        points=points,
        amount=amount,
        currency=shop.currency,
        idem_key=key,
    )
    session.add(reward)
    session.flush()
    return _result(reward, new=True)


def fulfil(sessions: Callable[[], Session], stores: StoreDirectory, reward_id: int) -> bool:
    """Create an owed code on the store; True when it exists there now.

    Raises StoreError (retryable) so the task queue tries again later.
    """
    with sessions() as session, session.begin():
        reward = session.get(RewardCode, reward_id)
        if reward is None or reward.status is not RewardCodeStatus.OWED:
            return reward is not None and reward.status is RewardCodeStatus.CREATED
        shop = session.get(Shop, reward.shop_id)
        if shop is None or shop.status is not ShopStatus.ACTIVE:
            return False
        customer = session.get(Customer, reward.customer_id)
        restricted = reward.kind is RewardKind.REWARD and customer is not None
        spec = RestrictedCodeSpec(
            code=reward.code,
            amount=reward.amount,
            currency=reward.currency,
            title=f"Passiton {reward.kind.value} {reward.code}",
            customer_id=customer.platform_customer_id if restricted and customer else None,
            customer_email=customer.email if restricted and customer else None,
        )
        target = store_shop(shop)
    try:
        ref = stores.store_for(target).create_restricted_code(spec)
    except StoreError as error:
        _record_failure(sessions, reward_id, error)
        raise
    with sessions() as session, session.begin():
        reward = session.get(RewardCode, reward_id)
        assert reward is not None
        reward.status = RewardCodeStatus.CREATED
        reward.store_ref = ref
        reward.fulfilled_at = utcnow()
        # Issued once the code works on the store; the event key keeps a second fulfil quiet.
        reward_issued(session, reward)
    return True


def _record_failure(sessions: Callable[[], Session], reward_id: int, error: StoreError) -> None:
    with sessions() as session, session.begin():
        reward = session.get(RewardCode, reward_id, with_for_update=True)
        if reward is None or reward.status is not RewardCodeStatus.OWED:
            return
        reward.attempts += 1
        reward.last_error = str(error)[:500]
        if error.retryable and reward.attempts < MAX_ATTEMPTS:
            return
        reward.status = RewardCodeStatus.FAILED
        ledger.post(
            session,
            shop_id=reward.shop_id,
            customer_id=reward.customer_id,
            kind=EntryKind.REDEEM_RETURN,
            key=f"redeem-return:{reward.idem_key}",
            available=reward.points,
        )


def owed_rewards(session: Session, limit: int = 200) -> list[int]:
    """Codes still owed to active stores: the sweep re-finds tasks that were lost."""
    return list(
        session.scalars(
            select(RewardCode.id)
            .join(Shop, Shop.id == RewardCode.shop_id)
            .where(RewardCode.status == RewardCodeStatus.OWED, Shop.status == ShopStatus.ACTIVE)
            .order_by(RewardCode.id)
            .limit(limit)
        )
    )


def _earlier(
    session: Session, shop_id: int, key: str, points: int, kind: RewardKind
) -> Redemption | None:
    existing = session.scalar(
        select(RewardCode).where(RewardCode.shop_id == shop_id, RewardCode.idem_key == key)
    )
    if existing is None:
        return None
    if (existing.points, existing.kind) != (points, kind):
        raise IdempotencyConflict("this request key was already used for another redemption")
    return _result(existing, new=False)


def _result(reward: RewardCode, *, new: bool) -> Redemption:
    return Redemption(
        reward_id=reward.id,
        code=reward.code,
        points=reward.points,
        kind=reward.kind,
        status=reward.status,
        new=new,
    )
