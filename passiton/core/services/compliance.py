"""Privacy requests: export what we hold about a customer, erase it, erase a whole shop."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from passiton.core.identity import email_key
from passiton.core.models import (
    Customer,
    LedgerEntry,
    OrderRecord,
    Referral,
    RewardCode,
    Shop,
    utcnow,
)

REDACTED = "redacted"


def export_customer_data(
    session: Session, shop_id: int, customer_id: str | None, email: str | None
) -> dict[str, Any]:
    """Everything held about one customer, as referrer and as referred friend."""
    key = email_key(email)
    customers = _customers(session, shop_id, customer_id, key)
    as_friend = session.scalars(
        select(Referral).where(Referral.shop_id == shop_id, _friend_match(customer_id, key))
    ).all()
    out: dict[str, Any] = {"customers": [], "referred_by": []}
    for customer in customers:
        referrals = session.scalars(select(Referral).where(Referral.referrer_id == customer.id))
        entries = session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.customer_id == customer.id)
            .order_by(LedgerEntry.id)
        )
        rewards = session.scalars(select(RewardCode).where(RewardCode.customer_id == customer.id))
        out["customers"].append(
            {
                "customer_id": customer.platform_customer_id,
                "email": customer.email,
                "first_name": customer.first_name,
                "referral_code": customer.referral_code,
                "points_pending": customer.points_pending,
                "points_available": customer.points_available,
                "created_at": customer.created_at.isoformat(),
                "referrals": [
                    {
                        "friend_email": r.friend_email,
                        "status": r.status.value,
                        "order_id": r.order_id,
                    }
                    for r in referrals
                ],
                "ledger": [
                    {
                        "kind": e.kind.value,
                        "pending": e.pending_delta,
                        "available": e.available_delta,
                        "at": e.created_at.isoformat(),
                    }
                    for e in entries
                ],
                "codes": [
                    {"code": c.code, "kind": c.kind.value, "amount": str(c.amount)} for c in rewards
                ],
            }
        )
    out["referred_by"] = [
        {"order_id": r.order_id, "status": r.status.value, "friend_email": r.friend_email}
        for r in as_friend
    ]
    return out


def redact_customer(
    session: Session, shop_id: int, customer_id: str | None, email: str | None
) -> int:
    """Erase personal data of one customer; amounts and ledger stay. Return rows touched."""
    key = email_key(email)
    touched = 0
    for customer in _customers(session, shop_id, customer_id, key):
        customer.email = None
        customer.email_key = None
        customer.first_name = None
        customer.shipping_key = None
        customer.phone_key = None
        customer.platform_customer_id = None
        customer.redacted_at = utcnow()
        touched += 1
    result = session.execute(
        update(Referral)
        .where(Referral.shop_id == shop_id, _friend_match(customer_id, key))
        .values(friend_email=None, friend_email_key=None, friend_customer_id=None)
        .execution_options(synchronize_session=False)
    )
    touched += int(result.rowcount)  # type: ignore[attr-defined]
    conditions = []
    if customer_id:
        conditions.append(OrderRecord.customer_id == customer_id)
    if key:
        conditions.append(OrderRecord.email_key == key)
    if conditions:
        session.execute(
            update(OrderRecord)
            .where(OrderRecord.shop_id == shop_id, or_(*conditions))
            .values(customer_id=None, email_key=None)
            .execution_options(synchronize_session=False)
        )
    return touched


def redact_shop(session: Session, shop_id: int) -> None:
    """Delete everything about the shop (foreign keys cascade from the shop row)."""
    session.execute(delete(Shop).where(Shop.id == shop_id))


def _customers(
    session: Session, shop_id: int, customer_id: str | None, key: str | None
) -> list[Customer]:
    conditions = []
    if customer_id:
        conditions.append(Customer.platform_customer_id == customer_id)
    if key:
        conditions.append(Customer.email_key == key)
    if not conditions:
        return []
    return list(
        session.scalars(select(Customer).where(Customer.shop_id == shop_id, or_(*conditions)))
    )


def _friend_match(customer_id: str | None, key: str | None) -> Any:
    conditions = []
    if customer_id:
        conditions.append(Referral.friend_customer_id == customer_id)
    if key:
        conditions.append(Referral.friend_email_key == key)
    return or_(*conditions) if conditions else Referral.id.is_(None)
