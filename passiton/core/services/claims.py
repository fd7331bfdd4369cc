"""The friend claim: hand a referred friend one single-use code from the shop's pool."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from passiton.core.channels import ShareChannel
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
    FriendOffer,
    MessageKind,
    Referral,
    ReferralStatus,
    utcnow,
)
from passiton.core.services.friend_pool import LOW_WATER
from passiton.core.services.friend_referrals import insert_referral, referral_of_friend
from passiton.core.services.outbound_hooks import friend_claimed
from passiton.core.services.outbox import queue_message
from passiton.core.services.redactions import was_redacted
from passiton.core.services.referral_links import ReferralLink, find_link


@dataclass(frozen=True)
class Claim:
    code: str
    referral_id: int
    new: bool
    pool_low: bool
    email_id: int | None = None
    """The friend's code message, queued with the claim: the caller has it sent after commit."""


# The statements of the claim path are built once; building one costs as much as running it.
_ACTIVE_OFFER = (
    select(FriendOffer.id)
    .where(FriendOffer.shop_id == bindparam("shop_id"), FriendOffer.active.is_(True))
    .order_by(FriendOffer.id.desc())
    .limit(1)
    .scalar_subquery()
)
_READY = (FriendCode.offer_id == _ACTIVE_OFFER) & (FriendCode.status == FriendCodeStatus.AVAILABLE)
_NEXT_CODE = (
    select(FriendCode.id, FriendCode.code, FriendCode.created_at)
    .where(_READY)
    .order_by(FriendCode.id)
    .limit(1)
    .with_for_update(skip_locked=True)
)
_TAKE_CODE = (
    update(FriendCode)
    .where(FriendCode.id == bindparam("code_id"), FriendCode.status == FriendCodeStatus.AVAILABLE)
    .values(status=FriendCodeStatus.ASSIGNED, assigned_at=bindparam("now"))
    .execution_options(synchronize_session=False)
)
_READY_UP_TO_LOW_WATER = select(func.count()).select_from(
    select(FriendCode.id).where(_READY).limit(LOW_WATER).subquery()
)
_ATTACH_CODE = (
    update(Referral)
    .where(Referral.id == bindparam("referral_id"), Referral.friend_code_id.is_(None))
    .values(friend_code_id=bindparam("code_id"))
    .execution_options(synchronize_session=False)
)


def claim_friend_code(session: Session, shop_id: int, referral_code: str, email: str) -> Claim:
    """Give this friend their code: the one they already have, or the next one from the pool."""
    link = find_link(session, referral_code)
    if link is None or link.shop.id != shop_id:
        raise UnknownReferralCode("this referral link is not valid")
    return claim_on_link(session, link, email)


def claim_on_link(
    session: Session, link: ReferralLink, email: str, channel: ShareChannel = ShareChannel.DIRECT
) -> Claim:
    """`claim_friend_code` for a link already looked up in this transaction.

    `channel` is where the link was shared from; a friend who claims again keeps the channel
    of their first claim, the moment that brought them.

    The code is taken with `FOR UPDATE SKIP LOCKED` (concurrent friends take different codes)
    and the referral is inserted before the code is marked: when the same friend claims twice
    at once, the unique (shop, friend e-mail) insert of the second writes nothing and it
    answers with the first one's code, so no code leaves the pool without a referral.
    """
    if link.paused:
        raise ProgramPaused("this store's referral program is paused")
    key = email_key(email) if is_plausible_email(email) else None
    if key is None:
        raise InvalidEmail("please enter a valid e-mail address", field="email")
    if link.settings.check_self_referral and key == link.referrer.email_key:
        raise SelfReferral("you cannot use your own referral link")
    shop = {"shop_id": link.shop.id}
    existing = referral_of_friend(session, link.shop.id, key)
    if existing is not None and existing.friend_code_id is not None:
        return _claim_of(session, existing)
    if existing is not None and existing.status is not ReferralStatus.OFFERED:
        raise AlreadyReferred("this e-mail address has already used a referral")
    if (
        existing is None
        and link.settings.new_customers_only
        and was_redacted(session, link.shop.id, None, key)
    ):
        # Someone redacted here had this address: the rule judges them as it would have with
        # their data kept (services/redactions.py), with the same answer as for a used referral.
        raise AlreadyReferred("this e-mail address has already used a referral")
    code = session.execute(_NEXT_CODE, shop).one_or_none()
    if code is None:
        raise OfferUnavailable("the offer is being prepared; please try again in a minute")
    referral_id = _record_referral(session, link, existing, email, key, code.id, channel)
    if referral_id is None:
        raced = referral_of_friend(session, link.shop.id, key, fresh=True)
        assert raced is not None  # the row the insert conflicted with
        return _claim_of(session, raced)
    taken = session.execute(_TAKE_CODE, {"code_id": code.id, "now": utcnow()})
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        # Locked above, so only a bug gets here; raising rolls the referral back with it.
        raise OfferUnavailable("the offer is being prepared; please try again in a minute")
    friend_claimed(session, referral_id, link.referrer.id, link.shop.id)
    left = session.scalar(_READY_UP_TO_LOW_WATER, shop) or 0
    message = queue_message(
        session,
        shop_id=link.shop.id,
        kind=MessageKind.FRIEND_CODE,
        to=email,
        event_key=f"claim:{referral_id}",
        # The friend's own language is not known before they order: the shop's is used.
        locale=None,
        context=friend_code_context(link, code.code, code.created_at),
    )
    return Claim(
        code=code.code,
        referral_id=referral_id,
        new=True,
        pool_low=left < LOW_WATER,
        email_id=message.id if message is not None else None,
    )


def friend_code_context(link: ReferralLink, code: str, created_at: datetime) -> dict[str, Any]:
    """What the friend's code message says: their code and offer, never the referrer's gain
    unless the shop shows it on the friend's page too (`show_referrer_reward`)."""
    settings = link.settings
    offer = settings.friend_offer
    expires = created_at + timedelta(days=offer.expiry_days) if offer.expiry_days else None
    context: dict[str, Any] = {
        "code": code,
        # The referrer's id, not their name: the name is read when the message is written,
        # so a referrer's redaction leaves none in the outbox.
        "referrer_id": link.referrer.id,
        "discount_type": offer.discount_type.value,
        "discount_value": str(offer.value),
        "min_subtotal": str(offer.min_subtotal),
        "expires_at": expires.isoformat() if expires is not None else None,
    }
    if settings.show_referrer_reward:
        context["reward_mode"] = settings.reward_mode.value
        context["reward_points"] = settings.reward_points
    return context


def _record_referral(
    session: Session,
    link: ReferralLink,
    existing: Referral | None,
    email: str,
    key: str,
    code_id: int,
    channel: ShareChannel,
) -> int | None:
    """The referral's id with this code attached; None if the same friend claimed meanwhile."""
    if existing is not None:
        attached = session.execute(_ATTACH_CODE, {"referral_id": existing.id, "code_id": code_id})
        return existing.id if attached.rowcount == 1 else None  # type: ignore[attr-defined]
    return insert_referral(
        session,
        shop_id=link.shop.id,
        referrer_id=link.referrer.id,
        settings_version=link.settings_version,
        email=email.strip(),
        key=key,
        friend_code_id=code_id,
        channel=channel,
    )


def _claim_of(session: Session, referral: Referral) -> Claim:
    code = session.get(FriendCode, referral.friend_code_id)
    assert code is not None  # friend_code_id is a foreign key
    return Claim(code=code.code, referral_id=referral.id, new=False, pool_low=False)
