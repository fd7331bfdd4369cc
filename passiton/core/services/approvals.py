"""Approval of pending credits whose hold period (the return window) has passed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.core.models import Referral, ReferralStatus
from passiton.core.services.settlement import approve

BATCH = 500


def approve_due(session: Session, now: datetime, limit: int = BATCH) -> int:
    """Approve up to `limit` due credits; return how many referrals were handled."""
    due = session.scalars(
        select(Referral)
        .where(Referral.status == ReferralStatus.PENDING, Referral.approve_after <= now)
        .order_by(Referral.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for referral in due:
        approve(session, referral, now)
    return len(due)
