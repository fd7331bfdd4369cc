"""Building blocks for tests: a shop with a filled pool, referrers, order states."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from passiton.app.database import Database
from passiton.core.events import OrderState, RefundSeen
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.ledger import ledger_sums
from passiton.core.models import Customer, Platform, Referral
from passiton.core.services import friend_pool
from passiton.core.services.claims import Claim, claim_friend_code
from passiton.core.services.enrolment import Buyer, enrol
from passiton.core.services.shops import install_shop, update_settings

T0 = datetime.fromisoformat("2026-11-01T12:00:00+00:00")
_ids = itertools.count(5_000_000_000_000_001)  # above 2**53, as Shopify's are


def new_id() -> str:
    return str(next(_ids))


def make_shop(
    db: Database,
    stores: FakeStoreDirectory,
    *,
    domain: str = "anna-shop.example",
    settings: dict[str, object] | None = None,
) -> int:
    """An installed shop (fake platform) with its friend-code pool filled."""
    with db.transaction() as session:
        shop_id = install_shop(
            session, platform=Platform.FAKE, domain=domain, name="Anna's Shop"
        ).id
        if settings:
            update_settings(session, shop_id, settings)
    friend_pool.fill_pool(db.sessions, stores, shop_id)
    return shop_id


def make_referrer(
    db: Database, shop_id: int, *, email: str = "anna@example.com", name: str = "Anna"
) -> Customer:
    with db.transaction() as session:
        customer = enrol(
            session,
            shop_id,
            Buyer(
                customer_id=new_id(),
                email=email,
                first_name=name,
                shipping_key="1 main st|10115|de",
                phone_key="301234567",
            ),
        )
        assert customer is not None
        return customer


def claim(db: Database, shop_id: int, referrer: Customer, email: str) -> Claim:
    return db.run(lambda s: claim_friend_code(s, shop_id, referrer.referral_code, email))


def order(
    *,
    codes: tuple[str, ...] = (),
    email: str = "friend@example.com",
    customer_id: str | None = None,
    total: str = "100.00",
    subtotal: str | None = None,
    paid: bool = True,
    cancelled: bool = False,
    refunds: tuple[tuple[str, str], ...] = (),
    at: datetime = T0,
    order_id: str | None = None,
    ref_code: str | None = None,
    shipping_key: str | None = None,
    phone: str | None = None,
    currency: str = "USD",
) -> OrderState:
    return OrderState(
        order_id=order_id or new_id(),
        updated_at=at,
        customer_id=customer_id,
        email=email,
        first_name="Fritz",
        currency=currency,
        total=Decimal(total),
        subtotal=Decimal(subtotal or total),
        paid=paid,
        cancelled=cancelled,
        codes=codes,
        ref_code=ref_code,
        refunds=tuple(RefundSeen(rid, Decimal(amount)) for rid, amount in refunds),
        shipping_key=shipping_key,
        phone=phone,
    )


def later(state: OrderState, minutes: int = 1, **changes: object) -> OrderState:
    """The same order, a little later, with some fields changed."""
    return replace(state, updated_at=state.updated_at + timedelta(minutes=minutes), **changes)  # type: ignore[arg-type]


def balances(db: Database, customer_id: int) -> tuple[int, int]:
    with db.sessions() as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        return customer.points_pending, customer.points_available


def assert_ledger_matches(db: Database, customer_id: int) -> None:
    """The customer's stored balances equal the sums of their ledger entries."""
    with db.sessions() as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        assert ledger_sums(session, customer_id) == (
            customer.points_pending,
            customer.points_available,
        )


def referral(db: Database, referral_id: int) -> Referral:
    with db.sessions() as session:
        found = session.scalar(select(Referral).where(Referral.id == referral_id))
        assert found is not None
        return found
