"""Privacy requests: export what we hold about a customer, erase it, erase a whole shop."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from passiton.core.codes import referral_code
from passiton.core.identity import email_key
from passiton.core.models import (
    Customer,
    DataExport,
    LedgerEntry,
    OrderRecord,
    Referral,
    RewardCode,
    Shop,
    utcnow,
)
from passiton.core.services.outbox import forget_messages
from passiton.core.services.pending_redaction import forget_in_pending_deliveries
from passiton.core.services.redactions import remember_redacted

REDACTED = "redacted"
ERASED = "passiton.erased"
"""Set in `Session.info` when a transaction erased personal data: storage that keeps old page
images (SQLite's write-ahead log) is then told to let go of them after the commit."""


def export_customer_data(
    session: Session, shop_id: int, customer_id: str | None, email: str | None
) -> dict[str, Any]:
    """Everything held about one customer, as referrer and as referred friend."""
    key = email_key(email)
    customers = _customers(session, shop_id, customer_id, key)
    as_friend = session.scalars(
        select(Referral).where(Referral.shop_id == shop_id, _friend_match(customer_id, key))
    ).all()
    # Who asked: the export must be found again (and erased) when the same person is redacted,
    # also when they are only a referred friend and no customer row names them.
    out: dict[str, Any] = {
        "request": {"customer_id": customer_id, "email": email},
        "customers": [],
        "referred_by": [],
    }
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
                "accepts_marketing": customer.accepts_marketing,
                "marketing_consent_at": (
                    customer.marketing_consent_at.isoformat()
                    if customer.marketing_consent_at
                    else None
                ),
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
    """Erase personal data of one customer; amounts and ledger stay. Return rows touched.

    Everything is covered: the customer row, their referrals as a friend, the orders we keep,
    the data exports gathered for them before (deleted) or that name them as someone's
    friend (their address blanked), and the events of deliveries not yet applied (which
    would otherwise bring them back). tests/service/test_redaction_scan.py checks every text
    and JSON column of every table, so a new column that holds an address fails it. What
    stays is a keyed hash of their identifiers (services/redactions.py says why).
    """
    key = email_key(email)
    customers = _customers(session, shop_id, customer_id, key)
    platform_ids = {c.platform_customer_id for c in customers if c.platform_customer_id}
    keys = {c.email_key for c in customers if c.email_key}
    platform_ids.update([customer_id] if customer_id else [])
    keys.update([key] if key else [])
    session.info[ERASED] = True
    remember_redacted(session, shop_id, platform_ids, keys)
    touched = _forget_in_exports(session, shop_id, platform_ids, keys)
    touched += forget_in_pending_deliveries(session, shop_id, platform_ids, keys)
    # Their messages go too; an unsubscribe stays, as a keyed hash (services/mail_suppression).
    touched += forget_messages(session, shop_id, keys)
    for customer in customers:
        # A new random code: the old one may have been made from the first name (codes were
        # NAME-XXXX before), and links that carry it stop working at redaction anyway, since
        # a redacted referrer's link is no longer found (referral_links, enrolment).
        customer.referral_code = referral_code()
        customer.email = None
        customer.email_key = None
        customer.first_name = None
        customer.shipping_key = None
        customer.phone_key = None
        customer.platform_customer_id = None
        customer.redacted_at = utcnow()
        touched += 1
    # Every id and key the person is known by, not only those the request named: a request
    # by e-mail also reaches the orders and referrals that carry only their platform id.
    result = session.execute(
        update(Referral)
        .where(Referral.shop_id == shop_id, _friend_match_any(platform_ids, keys))
        .values(friend_email=None, friend_email_key=None, friend_customer_id=None)
        .execution_options(synchronize_session=False)
    )
    touched += int(result.rowcount)  # type: ignore[attr-defined]
    conditions = []
    if platform_ids:
        conditions.append(OrderRecord.customer_id.in_(platform_ids))
    if keys:
        conditions.append(OrderRecord.email_key.in_(keys))
    if conditions:
        session.execute(
            update(OrderRecord)
            .where(OrderRecord.shop_id == shop_id, or_(*conditions))
            .values(customer_id=None, email_key=None)
            .execution_options(synchronize_session=False)
        )
    return touched


def _forget_in_exports(
    session: Session, shop_id: int, platform_ids: set[str], keys: set[str]
) -> int:
    """Delete the exports made for this person; blank their address in anyone else's."""
    touched = 0
    for export in session.scalars(select(DataExport).where(DataExport.shop_id == shop_id)):
        if _export_is_about(export.payload, platform_ids, keys):
            session.delete(export)
        else:
            scrubbed = _without_addresses(export.payload, keys)
            if scrubbed == export.payload:
                continue
            export.payload = scrubbed
        touched += 1
    return touched


def _export_is_about(payload: Any, platform_ids: set[str], keys: set[str]) -> bool:
    if not isinstance(payload, dict):
        return False
    people = [payload.get("request"), *(payload.get("customers") or [])]
    for person in people:
        if not isinstance(person, dict):
            continue
        if person.get("customer_id") in platform_ids:
            return True
        address = person.get("email")
        if isinstance(address, str) and email_key(address) in keys:
            return True
    return False


def _without_addresses(value: Any, keys: set[str]) -> Any:
    if isinstance(value, dict):
        return {name: _without_addresses(item, keys) for name, item in value.items()}
    if isinstance(value, list):
        return [_without_addresses(item, keys) for item in value]
    if isinstance(value, str) and "@" in value and email_key(value) in keys:
        return None
    return value


def redact_shop(session: Session, shop_id: int) -> None:
    """Delete everything about the shop (foreign keys cascade from the shop row)."""
    session.info[ERASED] = True
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


def _friend_match_any(platform_ids: set[str], keys: set[str]) -> Any:
    conditions = []
    if platform_ids:
        conditions.append(Referral.friend_customer_id.in_(platform_ids))
    if keys:
        conditions.append(Referral.friend_email_key.in_(keys))
    return or_(*conditions) if conditions else Referral.id.is_(None)


def _friend_match(customer_id: str | None, key: str | None) -> Any:
    conditions = []
    if customer_id:
        conditions.append(Referral.friend_customer_id == customer_id)
    if key:
        conditions.append(Referral.friend_email_key == key)
    return or_(*conditions) if conditions else Referral.id.is_(None)
