"""Milestones: bonus points when a referrer's approved referrals reach a tier.

A tier is granted once per referrer, when the approval of the referral that reaches it is
posted, under the terms that referral was made under (its settings version). If that referral
is later reversed, the bonus is clawed back with the rule the referral's own credit follows: never
more than the balance holds, the shortfall written down as unrecovered and left to the merchant's
review; if the store reinstates the order, what was clawed comes back.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passiton.core import ledger
from passiton.core.models import EntryKind, MilestoneGrant, Referral, ReferralStatus
from passiton.core.services.row_locks import lock_customer
from passiton.core.services.shops import settings_at


def grant_reached(session: Session, referral: Referral) -> list[MilestoneGrant]:
    """Grant every tier the referrer's approved referrals now reach and not yet granted."""
    tiers = settings_at(session, referral.shop_id, referral.settings_version).milestones
    if not tiers:
        return []
    # The referrer's row is the lock: two approvals for one referrer count one after the other.
    customer = lock_customer(session, referral.referrer_id)
    approved = session.scalar(
        select(func.count())
        .select_from(Referral)
        .where(Referral.referrer_id == customer.id, Referral.status == ReferralStatus.APPROVED)
    )
    granted = set(
        session.scalars(
            select(MilestoneGrant.referrals).where(MilestoneGrant.customer_id == customer.id)
        )
    )
    grants = []
    for tier in tiers:
        if tier.referrals > (approved or 0) or tier.referrals in granted:
            continue
        grant = MilestoneGrant(
            shop_id=referral.shop_id,
            customer_id=customer.id,
            referral_id=referral.id,
            referrals=tier.referrals,
            points=tier.points,
            points_clawed_back=0,
            points_unrecovered=0,
            entry_seq=0,
        )
        session.add(grant)
        _post(session, grant, EntryKind.MILESTONE, "milestone", tier.points)
        grants.append(grant)
    return grants


def follow(session: Session, referral: Referral, target: int) -> int:
    """Bring the bonuses this referral reached in line with its credit's target; return the
    points the balance could not cover (the caller sends the referral to review)."""
    grants = session.scalars(
        select(MilestoneGrant)
        .where(MilestoneGrant.referral_id == referral.id)
        .order_by(MilestoneGrant.referrals)
    ).all()
    short = 0
    for grant in grants:
        if target == 0:
            short += _take_back(session, grant)
        elif grant.points_clawed_back:
            # The store reinstated the order: give back what was clawed, never more.
            back = grant.points_clawed_back
            _post(session, grant, EntryKind.MILESTONE_RETURN, "milestone-return", back)
            grant.points_clawed_back = 0
    return short


def _take_back(session: Session, grant: MilestoneGrant) -> int:
    owed = grant.points - grant.points_clawed_back - grant.points_unrecovered
    if owed <= 0:
        return 0
    customer = lock_customer(session, grant.customer_id)
    take = min(owed, customer.points_available)
    if take:
        _post(session, grant, EntryKind.MILESTONE_CLAWBACK, "milestone-clawback", -take)
        grant.points_clawed_back += take
    # What the referrer already spent stays written down, never taken below zero.
    grant.points_unrecovered += owed - take
    return owed - take


def _post(
    session: Session, grant: MilestoneGrant, kind: EntryKind, prefix: str, delta: int
) -> None:
    ledger.post(
        session,
        shop_id=grant.shop_id,
        customer_id=grant.customer_id,
        kind=kind,
        key=f"{prefix}:{grant.customer_id}:{grant.referrals}:{grant.entry_seq}",
        available=delta,
    )
    grant.entry_seq += 1
