"""The friend claim: hand a referred friend one single-use code from the shop's pool."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from passiton.core.errors import (
    AlreadyReferred,
    InvalidEmail,
    OfferUnavailable,
    ProgramPaused,
    SelfReferral,
    UnknownReferralCode,
)
from passiton.core.identity import email_key, is_plausible_email
from passiton.core.models import (
    FriendCode,
    FriendCodeStatus,
    Referral,
    ReferralStatus,
    Shop,
    ShopStatus,
    utcnow,
)
from passiton.core.services.enrolment import by_referral_code
from passiton.core.services.friend_pool import LOW_WATER, ready_count
from passiton.core.services.shops import current_offer, current_settings


@dataclass(frozen=True)
class Claim:
    code: str
    referral_id: int
    new: bool
    pool_low: bool


def claim_friend_code(session: Session, shop_id: int, referral_code: str, email: str) -> Claim:
    """Give this friend their code: the one they already have, or the next one from the pool."""
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise UnknownReferralCode("this referral link is not valid")
    referrer = by_referral_code(session, shop_id, referral_code)
    if referrer is None:
        raise UnknownReferralCode("this referral link is not valid")
    version, settings = current_settings(session, shop_id)
    if shop.status is not ShopStatus.ACTIVE or not settings.enabled:
        raise ProgramPaused("this store's referral program is paused")
    if not is_plausible_email(email):
        raise InvalidEmail("please enter a valid e-mail address", field="email")
    key = email_key(email)
    if key is None:
        raise InvalidEmail("please enter a valid e-mail address", field="email")
    if settings.check_self_referral and key == referrer.email_key:
        raise SelfReferral("you cannot use your own referral link")

    existing = _existing_referral(session, shop_id, key)
    if existing is not None and existing.friend_code_id is not None:
        return _claim_of(session, existing)
    if existing is not None and existing.status is not ReferralStatus.OFFERED:
        raise AlreadyReferred("this e-mail address has already used a referral")
    offer = current_offer(session, shop_id)
    code = session.scalar(
        select(FriendCode)
        .where(FriendCode.offer_id == offer.id, FriendCode.status == FriendCodeStatus.AVAILABLE)
        .order_by(FriendCode.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if code is None:
        raise OfferUnavailable("the offer is being prepared; please try again in a minute")
    try:
        # One savepoint for taking the code and recording the referral: if the same friend
        # claims concurrently, the unique (shop, friend e-mail) constraint fails ours and the
        # rollback puts the code back in the pool.
        with session.begin_nested():
            taken = session.execute(
                update(FriendCode)
                .where(FriendCode.id == code.id, FriendCode.status == FriendCodeStatus.AVAILABLE)
                .values(status=FriendCodeStatus.ASSIGNED, assigned_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                raise OfferUnavailable("the offer is being prepared; please try again in a minute")
            if existing is None:
                referral = Referral(
                    shop_id=shop_id,
                    referrer_id=referrer.id,
                    settings_version=version,
                    friend_email=email.strip(),
                    friend_email_key=key,
                    friend_code_id=code.id,
                    status=ReferralStatus.OFFERED,
                )
                session.add(referral)
            else:
                referral = existing
                referral.friend_code_id = code.id
            session.flush()
    except IntegrityError:
        raced = _existing_referral(session, shop_id, key)
        if raced is None or raced.friend_code_id is None:
            raise
        return _claim_of(session, raced)
    low = ready_count(session, offer.id) < LOW_WATER
    return Claim(code=code.code, referral_id=referral.id, new=True, pool_low=low)


def _existing_referral(session: Session, shop_id: int, key: str) -> Referral | None:
    return session.scalar(
        select(Referral).where(Referral.shop_id == shop_id, Referral.friend_email_key == key)
    )


def _claim_of(session: Session, referral: Referral) -> Claim:
    code = session.get(FriendCode, referral.friend_code_id)
    assert code is not None  # friend_code_id is a foreign key
    return Claim(code=code.code, referral_id=referral.id, new=False, pool_low=False)
