"""Enrolment: every buyer gets a personal referral code, unique in the shop."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from passiton.core.codes import canonical, referral_code
from passiton.core.errors import UnknownCustomer
from passiton.core.identity import email_key
from passiton.core.models import Customer
from passiton.core.services.link_publications import link_exists

_CODE_ATTEMPTS = 8


@dataclass(frozen=True)
class Buyer:
    customer_id: str | None
    email: str | None
    first_name: str | None = None
    shipping_key: str | None = None
    phone_key: str | None = None
    locale: str | None = None
    """A BCP 47 tag, already normalised; None keeps the language stored."""


def find_customer(session: Session, shop_id: int, buyer: Buyer) -> Customer | None:
    """Look a buyer up by platform id first, then by mailbox."""
    if buyer.customer_id:
        found = session.scalar(
            select(Customer).where(
                Customer.shop_id == shop_id, Customer.platform_customer_id == buyer.customer_id
            )
        )
        if found is not None:
            return found
    key = email_key(buyer.email)
    if key:
        return session.scalar(
            select(Customer).where(Customer.shop_id == shop_id, Customer.email_key == key)
        )
    return None


def enrol(session: Session, shop_id: int, buyer: Buyer) -> Customer | None:
    """Get or create the buyer's customer row; None when the buyer cannot be identified."""
    key = email_key(buyer.email)
    if not buyer.customer_id and not key:
        return None
    existing = find_customer(session, shop_id, buyer)
    if existing is not None:
        _refresh(session, existing, buyer, key)
        return existing
    for _ in range(_CODE_ATTEMPTS):
        customer = Customer(
            shop_id=shop_id,
            platform_customer_id=buyer.customer_id,
            email=buyer.email.strip() if buyer.email else None,
            email_key=key,
            first_name=buyer.first_name,
            shipping_key=buyer.shipping_key,
            phone_key=buyer.phone_key,
            locale=buyer.locale,
            referral_code=referral_code(),
        )
        try:
            # A savepoint: a code collision or a concurrent enrolment of the same buyer
            # must not undo the caller's transaction.
            with session.begin_nested():
                session.add(customer)
        except IntegrityError:
            raced = find_customer(session, shop_id, buyer)
            if raced is not None:
                _refresh(session, raced, buyer, key)
                return raced
            continue
        link_exists(session, customer)
        return customer
    raise RuntimeError("could not find a free referral code")  # pragma: no cover


def by_referral_code(session: Session, shop_id: int, code: str) -> Customer | None:
    return session.scalar(
        select(Customer).where(
            Customer.shop_id == shop_id,
            Customer.referral_code == canonical(code),
            Customer.redacted_at.is_(None),
        )
    )


def customer_by_platform_id(session: Session, shop_id: int, customer_id: str) -> Customer:
    found = session.scalar(
        select(Customer).where(
            Customer.shop_id == shop_id, Customer.platform_customer_id == customer_id
        )
    )
    if found is None:
        raise UnknownCustomer("this customer has no referral account yet")
    return found


def _refresh(session: Session, customer: Customer, buyer: Buyer, key: str | None) -> None:
    if customer.redacted_at is not None:
        return
    if buyer.customer_id and not customer.platform_customer_id:
        customer.platform_customer_id = buyer.customer_id
        # Known on the store only now: the link can be written to its customer record.
        link_exists(session, customer)
    if key and not customer.email_key:
        customer.email_key = key
        customer.email = buyer.email.strip() if buyer.email else None
    customer.first_name = customer.first_name or buyer.first_name
    customer.shipping_key = buyer.shipping_key or customer.shipping_key
    customer.phone_key = buyer.phone_key or customer.phone_key
    # The latest order's language wins: a buyer who switched the storefront to German reads
    # their widget in German from then on.
    customer.locale = buyer.locale or customer.locale
