"""Webhook deliveries: recorded once on the response path, applied once later by the task queue.

Recording is one `INSERT … ON CONFLICT DO NOTHING`: the unique (platform, delivery_key) decides
duplicates in the database, even between concurrent requests, with no savepoint and no read.
Applying locks the delivery row and does the events' effects, `applied_at` and the clearing of
the stored events in one transaction, so a crash leaves all of it or none, and a second task
for the same delivery finds it applied and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from passiton.core.event_codec import EventCodecError, decode_events, encode_events
from passiton.core.events import Event
from passiton.core.models import Platform, Shop, WebhookDelivery
from passiton.core.services.dispatch import apply_events
from passiton.core.services.inserts import DIALECTS, insert_unless_present

log = logging.getLogger(__name__)
_RECORD = {
    # Built once per database: building the statement costs about as much as running it.
    dialect: insert_unless_present(
        dialect, WebhookDelivery.__table__, ["platform", "delivery_key"]
    ).returning(WebhookDelivery.id)
    for dialect in DIALECTS
}


def record_delivery(
    session: Session,
    platform: Platform,
    shop_id: int,
    delivery_key: str,
    topic: str,
    events: Sequence[Event],
    now: datetime,
) -> int | None:
    """Record a delivery and its events; its id, or None if the delivery was seen before.

    A delivery without events (a topic the program ignores) is recorded as applied already:
    the row still makes its redelivery a duplicate.
    """
    delivery_id: int | None = session.scalar(
        _RECORD[session.get_bind().dialect.name],
        {
            "platform": platform,
            "shop_id": shop_id,
            "delivery_key": delivery_key,
            "topic": topic[:64],
            "received_at": now,
            "events": encode_events(events) if events else None,
            "applied_at": None if events else now,
        },
    )
    return delivery_id


def apply_delivery(session: Session, delivery_id: int, now: datetime) -> bool:
    """Apply a recorded delivery's events; False if it was applied already or no longer exists."""
    row = session.execute(
        select(WebhookDelivery.events, WebhookDelivery.applied_at, Shop.id)
        .outerjoin(Shop, Shop.id == WebhookDelivery.shop_id)
        .where(WebhookDelivery.id == delivery_id)
        # Concurrent tasks for one delivery queue here; the second then sees applied_at.
        .with_for_update(of=WebhookDelivery)
    ).one_or_none()
    if row is None:
        return False  # its shop was redacted, and the delivery deleted with it
    stored, applied_at, live_shop = row
    if applied_at is not None:
        return False
    if live_shop is not None and stored:
        try:
            events = decode_events(stored)
        except EventCodecError:
            # Written by record_delivery, so this is a bug or a hand-edited row; retrying
            # cannot help, and reconciliation re-reads the store's orders.
            log.error("delivery %s has unreadable events; dropped", delivery_id)
            events = ()
        apply_events(session, live_shop, events, now)
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .values(applied_at=now, events=None)
    )
    return True


def unapplied_deliveries(session: Session, received_before: datetime, limit: int) -> list[int]:
    """Deliveries recorded before a moment and still not applied: their task may be lost."""
    return list(
        session.scalars(
            select(WebhookDelivery.id)
            .where(WebhookDelivery.applied_at.is_(None))
            .where(WebhookDelivery.received_at < received_before)
            .order_by(WebhookDelivery.id)
            .limit(limit)
        )
    )


def oldest_unapplied_received_at(session: Session) -> datetime | None:
    """When the oldest delivery still waiting to be applied was received, if any waits."""
    received: datetime | None = session.scalar(
        select(func.min(WebhookDelivery.received_at)).where(WebhookDelivery.applied_at.is_(None))
    )
    return received
