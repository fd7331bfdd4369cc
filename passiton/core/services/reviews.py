"""The merchant's review queue: referrals flagged by fraud rules, by an unrecoverable clawback,
or by money not in the shop's currency (an order or a refund Passiton cannot value).

Approving a `foreign_currency` referral credits it on the order's amounts as they are: the
merchant has looked at the order and takes that call; nothing converts them automatically.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.core.errors import NotInReview, UnknownReferral
from passiton.core.models import Referral, ReferralStatus
from passiton.core.services.orders import FOREIGN_REFUND
from passiton.core.services.row_locks import lock_referral
from passiton.core.services.settlement import UNRECOVERED_CLAWBACK, settle, withdraw_pending


class ReviewDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


def review_queue(session: Session, shop_id: int) -> list[Referral]:
    return list(
        session.scalars(
            select(Referral)
            .where(Referral.shop_id == shop_id, Referral.status == ReferralStatus.REVIEW)
            .order_by(Referral.converted_at)
        )
    )


def decide(
    session: Session,
    shop_id: int,
    referral_id: int,
    decision: ReviewDecision,
    note: str,
    now: datetime,
) -> Referral:
    """Approve (credit as pending, then the usual hold) or reject a flagged referral."""
    found = session.scalar(
        select(Referral.id).where(Referral.id == referral_id, Referral.shop_id == shop_id)
    )
    if found is None:
        raise UnknownReferral(f"no referral {referral_id} in this shop")
    referral = lock_referral(session, found)
    if referral.status is not ReferralStatus.REVIEW:
        raise NotInReview("this referral is not waiting for review")
    referral.decision_note = note.strip()[:1000] or None
    if referral.review_reason == UNRECOVERED_CLAWBACK:
        # Either way the shortfall stays written off: the balance never goes negative.
        kept = referral.points_approved - referral.points_clawed_back - referral.points_unrecovered
        referral.status = ReferralStatus.APPROVED if kept > 0 else ReferralStatus.REVERSED
        return referral
    if decision is ReviewDecision.REJECT:
        if referral.review_reason == FOREIGN_REFUND and referral.points_pending:
            # Flagged after it was credited: refusing it takes the pending points back.
            withdraw_pending(session, referral, now)
        referral.status = ReferralStatus.REJECTED
        return referral
    referral.status = ReferralStatus.PENDING
    settle(session, referral, now)
    return referral
