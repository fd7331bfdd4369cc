"""A redaction reaches the deliveries still waiting for the queue, so that redaction wins.

A delivery is recorded with its events on the response path and applied later; one recorded
before a `customers/redact` may be applied after it. Left alone, its events would both keep
the person's address in the database meanwhile and put it back (re-enrol the person) when
applied. So the redaction rewrites them: an order keeps its amounts, codes and refunds (the
program still counts it) without who placed it; a customer record or data request about the
person, or a change of their marketing consent, is dropped (nothing is left to enrol, to
export or to ask). Applied deliveries keep no events at all (`deliveries.apply_delivery`
clears them), so only pending ones are read here.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.core import events as ev
from passiton.core.event_codec import EventCodecError, decode_events, encode_events
from passiton.core.identity import email_key
from passiton.core.models import WebhookDelivery
from passiton.core.services.redactions import without_buyer

log = logging.getLogger(__name__)


def forget_in_pending_deliveries(
    session: Session, shop_id: int, platform_ids: set[str], keys: set[str]
) -> int:
    """Take the person out of the shop's unapplied deliveries; return deliveries changed."""
    pending = session.scalars(
        select(WebhookDelivery)
        .where(
            WebhookDelivery.shop_id == shop_id,
            WebhookDelivery.applied_at.is_(None),
            WebhookDelivery.events.is_not(None),
        )
        .order_by(WebhookDelivery.id)
    )
    changed = 0
    for delivery in pending:
        try:
            events = decode_events(delivery.events)
        except EventCodecError:
            # Applying drops unreadable events anyway; what they hold cannot be told apart.
            log.error("delivery %s has unreadable events; dropped at a redaction", delivery.id)
            delivery.events = None
            changed += 1
            continue
        kept = [
            event
            for event in (_without_person(e, platform_ids, keys) for e in events)
            if event is not None
        ]
        if kept != list(events):
            delivery.events = encode_events(kept) if kept else None
            changed += 1
    return changed


def _without_person(event: ev.Event, platform_ids: set[str], keys: set[str]) -> ev.Event | None:
    def names_them(customer_id: str | None, email: str | None) -> bool:
        if customer_id and customer_id in platform_ids:
            return True
        key = email_key(email)
        return key is not None and key in keys

    match event:
        case ev.OrderChanged(order=state) if names_them(state.customer_id, state.email):
            return ev.OrderChanged(without_buyer(state))
        case ev.CustomerCreated(customer_id=customer_id, email=email) if names_them(
            customer_id, email
        ):
            return None
        case ev.MarketingConsentChanged(customer_id=customer_id, email=email) if names_them(
            customer_id, email
        ):
            return None
        case ev.CustomerDataRequested(customer_id=customer_id, email=email) if names_them(
            customer_id, email
        ):
            return None
    # Redaction requests stay as they are: one may name an identifier this one did not know,
    # and applying it clears its events like any other delivery's.
    return event
