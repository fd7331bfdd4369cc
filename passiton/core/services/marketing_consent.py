"""Keeping a customer's e-mail marketing consent current from the store's facts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from passiton.core.consent_rules import ConsentRecord, after_checkout, after_update
from passiton.core.events import MarketingConsent, MarketingConsentChanged
from passiton.core.identity import email_key
from passiton.core.models import Customer
from passiton.core.services.enrolment import Buyer, enrol
from passiton.core.services.redactions import was_redacted


def held_consent(customer: Customer) -> ConsentRecord:
    return ConsentRecord(customer.accepts_marketing, customer.marketing_consent_at)


def note_checkout_consent(
    session: Session, customer: Customer, box: MarketingConsent | None
) -> None:
    """Record what an order's marketing checkbox says (None: the order says nothing)."""
    if box is None or customer.redacted_at is not None:
        return
    customer = _locked(session, customer)
    _keep(customer, after_checkout(held_consent(customer), box))


def apply_consent_changed(session: Session, shop_id: int, event: MarketingConsentChanged) -> None:
    """The store restated a customer's consent: record it unless a newer fact is held.

    A customer the program does not know yet is enrolled, as `customers/create` enrols them,
    so that the consent is held when their order arrives: an order placed before this update
    must not grant again what the update withdrew.
    """
    if was_redacted(session, shop_id, event.customer_id, email_key(event.email)):
        return
    customer = enrol(session, shop_id, Buyer(customer_id=event.customer_id, email=event.email))
    if customer is None:
        return
    customer = _locked(session, customer)
    _keep(customer, after_update(held_consent(customer), event.consent))


def _locked(session: Session, customer: Customer) -> Customer:
    # Two facts about one customer applied at once (an order and a consent webhook) must not
    # both decide from the value held before either: the row is locked and read again.
    session.flush()
    locked = session.get(Customer, customer.id, with_for_update=True, populate_existing=True)
    assert locked is not None
    return locked


def _keep(customer: Customer, record: ConsentRecord) -> None:
    customer.accepts_marketing = record.accepts
    customer.marketing_consent_at = record.at
