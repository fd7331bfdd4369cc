"""What outlives a redaction: keyed hashes of the person's identifiers, per shop.

The new-customers-only rule asks "has this shop known this person?", and after a redaction
nothing else can answer it. What a redacted person may still do, and why: they may come back,
buy, and enrol as a referrer again (the goal is that their data is gone, not that they are
banned); an order they placed *before* the redaction, seen again, no longer names them, and a
customer record (which carries no time) does not enrol them, their next paid order does.
What they no longer get is a *first-order* friend reward: their address and customer
id count as already known (a claim is refused as already referred, an order is not a new
customer's), as they would be had the data been kept. The trade-off: the hash is of the
identifiers only, so a redacted person using a new address is a stranger again, exactly as an
existing customer with a new address is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passiton.core.events import OrderState
from passiton.core.identity import email_key
from passiton.core.models import Redaction, utcnow
from passiton.core.services.inserts import insert_unless_present
from passiton.core.suppression import Identifier, hasher_of


def remember_redacted(
    session: Session, shop_id: int, platform_ids: Iterable[str], keys: Iterable[str]
) -> None:
    """Keep a keyed hash of every identifier the redacted person was known by."""
    digests = _digests(session, shop_id, platform_ids, keys)
    if not digests:
        return
    statement = insert_unless_present(
        session.get_bind().dialect.name, Redaction.__table__, ["shop_id", "digest"]
    )
    now = utcnow()
    session.execute(
        statement, [{"shop_id": shop_id, "digest": d, "redacted_at": now} for d in digests]
    )


def was_redacted(session: Session, shop_id: int, customer_id: str | None, key: str | None) -> bool:
    """Whether this customer id or e-mail key belonged to someone redacted in this shop."""
    return redacted_at(session, shop_id, customer_id, key) is not None


def redacted_at(
    session: Session, shop_id: int, customer_id: str | None, key: str | None
) -> datetime | None:
    """When the person with this customer id or e-mail key was last redacted here, if ever."""
    digests = _digests(session, shop_id, [customer_id] if customer_id else [], [key] if key else [])
    if not digests:
        return None
    moment: datetime | None = session.scalar(
        select(func.max(Redaction.redacted_at)).where(
            Redaction.shop_id == shop_id, Redaction.digest.in_(digests)
        )
    )
    return moment


def without_buyer(state: OrderState) -> OrderState:
    """The order with its amounts, codes and refunds, and nothing about who placed it."""
    return dataclasses.replace(
        state, customer_id=None, email=None, first_name=None, shipping_key=None, phone=None
    )


def unless_redacted(session: Session, shop_id: int, state: OrderState) -> OrderState:
    """The order, without its buyer if they were redacted after it last changed.

    Reconciliation re-reads recent orders and platforms redeliver: an order the person placed
    before their redaction must not bring them back. One changed after it is a new
    relationship (they came back), and is taken as it is.
    """
    erased = redacted_at(session, shop_id, state.customer_id, email_key(state.email))
    if erased is None or state.updated_at > erased:
        return state
    return without_buyer(state)


def _digests(
    session: Session, shop_id: int, platform_ids: Iterable[str], keys: Iterable[str]
) -> list[str]:
    hasher = hasher_of(session)
    return sorted(
        {hasher.digest(shop_id, Identifier.CUSTOMER_ID, i) for i in platform_ids}
        | {hasher.digest(shop_id, Identifier.EMAIL_KEY, k) for k in keys}
    )
