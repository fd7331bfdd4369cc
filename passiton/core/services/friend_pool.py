"""The friend-code pool: single-use codes created on the store ahead of time.

Claiming a code must not call the store (it sits on a shopper's click), so each shop keeps a pool
of codes already created there. The database is the record of what is owed: codes are first
reserved here as OWED, then created on the store by a background task outside any transaction,
then marked AVAILABLE. A task lost mid-way leaves OWED rows that the next refill or the periodic
sweep creates again; stores treat an existing code as created, so retries are harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from passiton.core.codes import friend_code
from passiton.core.models import FriendCode, FriendCodeStatus, FriendOffer, Shop, ShopStatus
from passiton.core.ports import StoreDirectory, StoreError
from passiton.core.program_settings import FriendOfferSpec
from passiton.core.services.shops import current_offer, offer_spec, store_shop

POOL_TARGET = 50
"""Codes kept ready per shop; a claim below LOW_WATER asks for a refill."""
LOW_WATER = 20
BATCH = 100
"""Both platforms take at most 100 codes per bulk call."""

SessionFactory = Callable[[], Session]


@dataclass(frozen=True)
class PoolBatch:
    offer_id: int
    offer_ref: str | None
    spec: FriendOfferSpec
    codes: tuple[str, ...]


def ready_count(session: Session, offer_id: int) -> int:
    """Codes of this offer ready to hand out."""
    return _count(session, offer_id, FriendCodeStatus.AVAILABLE)


def reserve_codes(session: Session, shop_id: int, target: int = POOL_TARGET) -> int:
    """Reserve (as OWED) enough new codes that ready + owed reaches `target`; return how many."""
    offer = current_offer(session, shop_id)
    have = _count(session, offer.id, FriendCodeStatus.AVAILABLE) + _count(
        session, offer.id, FriendCodeStatus.OWED
    )
    missing = max(0, target - have)
    for _ in range(missing):
        session.add(FriendCode(shop_id=shop_id, offer_id=offer.id, code=friend_code()))
    session.flush()
    return missing


def next_owed_batch(session: Session, shop_id: int) -> PoolBatch | None:
    offer = current_offer(session, shop_id)
    codes = session.scalars(
        select(FriendCode.code)
        .where(FriendCode.offer_id == offer.id, FriendCode.status == FriendCodeStatus.OWED)
        .order_by(FriendCode.id)
        .limit(BATCH)
    ).all()
    if not codes:
        return None
    return PoolBatch(offer.id, offer.store_ref, offer_spec(offer), tuple(codes))


def mark_created(
    session: Session, batch: PoolBatch, offer_ref: str, created: tuple[str, ...]
) -> None:
    offer = session.get(FriendOffer, batch.offer_id)
    if offer is not None and offer.store_ref is None:
        offer.store_ref = offer_ref
    if created:
        session.execute(
            update(FriendCode)
            .where(
                FriendCode.offer_id == batch.offer_id,
                FriendCode.code.in_(created),
                FriendCode.status == FriendCodeStatus.OWED,
            )
            .values(status=FriendCodeStatus.AVAILABLE)
            .execution_options(synchronize_session=False)
        )


def fill_pool(sessions: SessionFactory, stores: StoreDirectory, shop_id: int) -> int:
    """Reserve and create codes until the pool is full; return how many became available.

    Raises StoreError when the store fails; what was created before stays created.
    """
    with sessions() as session, session.begin():
        shop = session.get(Shop, shop_id)
        if shop is None or shop.status is not ShopStatus.ACTIVE:
            return 0
        reserve_codes(session, shop_id)
        target = store_shop(shop)
    made = 0
    while True:
        with sessions() as session, session.begin():
            batch = next_owed_batch(session, shop_id)
        if batch is None:
            return made
        # No transaction is open here: the store call may take seconds.
        result = stores.store_for(target).create_friend_codes(
            batch.offer_ref, batch.spec, batch.codes
        )
        with sessions() as session, session.begin():
            mark_created(session, batch, result.offer_ref, result.created)
            if result.failed:
                _discard(session, batch.offer_id, result.failed)
        made += len(result.created)
        if not result.created:
            raise StoreError("the store created none of the codes", retryable=True)


def retire_old_codes(sessions: SessionFactory, stores: StoreDirectory, shop_id: int) -> int:
    """Deactivate unassigned codes of replaced offers on the store; return how many."""
    done = 0
    while True:
        with sessions() as session, session.begin():
            shop = session.get(Shop, shop_id)
            if shop is None or shop.status is not ShopStatus.ACTIVE:
                return done
            row = session.execute(
                select(FriendCode.offer_id, FriendOffer.store_ref)
                .join(FriendOffer, FriendOffer.id == FriendCode.offer_id)
                .where(
                    FriendCode.shop_id == shop_id, FriendCode.status == FriendCodeStatus.RETIRING
                )
                .limit(1)
            ).first()
            if row is None:
                return done
            offer_id, offer_ref = row
            codes = tuple(
                session.scalars(
                    select(FriendCode.code)
                    .where(
                        FriendCode.offer_id == offer_id,
                        FriendCode.status == FriendCodeStatus.RETIRING,
                    )
                    .limit(BATCH)
                ).all()
            )
            target = store_shop(shop)
        stores.store_for(target).deactivate_codes(offer_ref, codes)
        with sessions() as session, session.begin():
            _set_status(session, offer_id, codes, FriendCodeStatus.RETIRED)
        done += len(codes)


def _discard(session: Session, offer_id: int, codes: tuple[str, ...]) -> None:
    # A code the store refused for good (not "already exists") is dropped; the next refill
    # reserves a fresh one in its place.
    session.execute(
        update(FriendCode)
        .where(
            FriendCode.offer_id == offer_id,
            FriendCode.code.in_(codes),
            FriendCode.status == FriendCodeStatus.OWED,
        )
        .values(status=FriendCodeStatus.RETIRED)
        .execution_options(synchronize_session=False)
    )


def _set_status(
    session: Session, offer_id: int, codes: tuple[str, ...], status: FriendCodeStatus
) -> None:
    session.execute(
        update(FriendCode)
        .where(FriendCode.offer_id == offer_id, FriendCode.code.in_(codes))
        .values(status=status)
        .execution_options(synchronize_session=False)
    )


def _count(session: Session, offer_id: int, status: FriendCodeStatus) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(FriendCode)
            .where(FriendCode.offer_id == offer_id, FriendCode.status == status)
        )
        or 0
    )
