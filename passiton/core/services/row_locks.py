"""Rows locked for the rest of the transaction, read fresh: what concurrent deliveries race on."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.core.models import Customer, Referral


def lock_referral(session: Session, referral_id: int) -> Referral:
    """The referral, locked (FOR UPDATE) and re-read."""
    referral = session.scalar(
        select(Referral)
        .where(Referral.id == referral_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert referral is not None
    return referral


def lock_customer(session: Session, customer_id: int) -> Customer:
    """The customer, locked (FOR UPDATE) and re-read: balances change under this lock only."""
    customer = session.scalar(
        select(Customer)
        .where(Customer.id == customer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert customer is not None
    return customer
