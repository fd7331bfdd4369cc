"""Applying platform-neutral events to one shop: the single entry point for webhooks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from passiton.core import events as ev
from passiton.core.identity import email_key
from passiton.core.models import DataExport
from passiton.core.services import compliance, marketing_consent, orders, shop_facts, shops
from passiton.core.services.enrolment import Buyer, enrol
from passiton.core.services.redactions import was_redacted


@dataclass
class Applied:
    """What applying events did that the caller may want to report."""

    data_exports: int = 0
    shop_deleted: bool = False


def apply_events(
    session: Session, shop_id: int, events: Sequence[ev.Event], now: datetime
) -> Applied:
    applied = Applied()
    for event in events:
        _apply(session, shop_id, event, now, applied)
        if applied.shop_deleted:
            break
    return applied


def _apply(
    session: Session, shop_id: int, event: ev.Event, now: datetime, applied: Applied
) -> None:
    match event:
        case ev.OrderChanged(order=state):
            orders.handle_order(session, shop_id, state, now)
        case ev.RefundCreated(order_id=order_id, refund=refund):
            orders.handle_refund(session, shop_id, order_id, refund, now)
        case ev.OrderDeleted(order_id=order_id):
            orders.handle_deleted(session, shop_id, order_id, now)
        case ev.CustomerCreated(customer_id=customer_id, email=email, first_name=first_name):
            # It carries no time, so a late one (recorded while a redaction ran) cannot be told
            # from a new account: a redacted person is enrolled again by their next paid order.
            if not was_redacted(session, shop_id, customer_id, email_key(email)):
                enrol(
                    session,
                    shop_id,
                    Buyer(customer_id=customer_id, email=email, first_name=first_name),
                )
        case ev.MarketingConsentChanged():
            marketing_consent.apply_consent_changed(session, shop_id, event)
        case ev.CustomerDataRequested(customer_id=customer_id, email=email):
            payload = compliance.export_customer_data(session, shop_id, customer_id, email)
            session.add(DataExport(shop_id=shop_id, payload=payload))
            applied.data_exports += 1
        case ev.CustomerRedactRequested(customer_id=customer_id, email=email):
            compliance.redact_customer(session, shop_id, customer_id, email)
        case ev.ShopRedactRequested():
            compliance.redact_shop(session, shop_id)
            applied.shop_deleted = True
        case ev.AppUninstalled():
            shops.uninstall_shop(session, shop_id, now)
        case ev.ScopesUpdated():
            pass
        case ev.ShopUpdated(facts=facts):
            shop_facts.apply_shop_facts(session, shop_id, facts, now)
