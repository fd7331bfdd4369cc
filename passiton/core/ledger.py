"""The points ledger: the only code that writes entries and moves stored balances.

Every entry carries a business idempotency key under a unique constraint (shop_id, idem_key), and
the balance update happens in the same transaction as the insert, so stored balances always equal
the ledger sums. Balances move with a single atomic UPDATE (no read-modify-write), and the
non-negative CHECK constraints on customers make an overdraft impossible even if a caller's own
check raced.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from passiton.core.models import Customer, EntryKind, LedgerEntry


def post(
    session: Session,
    *,
    shop_id: int,
    customer_id: int,
    kind: EntryKind,
    key: str,
    pending: int = 0,
    available: int = 0,
    referral_id: int | None = None,
) -> LedgerEntry:
    """Append one entry and move the customer's balances by the same deltas."""
    entry = LedgerEntry(
        shop_id=shop_id,
        customer_id=customer_id,
        referral_id=referral_id,
        kind=kind,
        pending_delta=pending,
        available_delta=available,
        idem_key=key,
    )
    session.add(entry)
    session.flush()
    session.execute(
        update(Customer)
        .where(Customer.id == customer_id)
        .values(
            points_pending=Customer.points_pending + pending,
            points_available=Customer.points_available + available,
        )
        .execution_options(synchronize_session=False)
    )
    customer = session.get(Customer, customer_id)
    if customer is not None:
        session.expire(customer, ["points_pending", "points_available"])
    return entry


def ledger_sums(session: Session, customer_id: int) -> tuple[int, int]:
    """(pending, available) as the ledger adds them up; equal to the stored balances."""
    row = session.execute(
        select(
            func.coalesce(func.sum(LedgerEntry.pending_delta), 0),
            func.coalesce(func.sum(LedgerEntry.available_delta), 0),
        ).where(LedgerEntry.customer_id == customer_id)
    ).one()
    return int(row[0]), int(row[1])
