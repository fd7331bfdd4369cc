"""Marketing consent on the referrer record: from the order's checkbox, kept current by the
store's consent updates, whatever order they arrive in and however often."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select

from passiton.app.database import Database
from passiton.core import events as ev
from passiton.core.events import MarketingConsent, MarketingConsentChanged, OrderChanged
from passiton.core.models import Customer
from passiton.core.services.compliance import redact_customer
from passiton.core.services.dispatch import apply_events
from tests.support.builders import T0, new_id, order

LATER = T0 + timedelta(hours=2)


def deliver(db: Database, shop_id: int, *events: ev.Event) -> None:
    db.run(lambda s: apply_events(s, shop_id, list(events), T0))


def consent(db: Database, shop_id: int, customer_id: str) -> tuple[bool | None, datetime | None]:
    with db.sessions() as session:
        found = session.execute(
            select(Customer.accepts_marketing, Customer.marketing_consent_at).where(
                Customer.shop_id == shop_id, Customer.platform_customer_id == customer_id
            )
        ).one_or_none()
        return (found[0], found[1]) if found else (None, None)


def paid_order(customer_id: str, box: bool | None, placed: datetime = T0) -> OrderChanged:
    state = order(customer_id=customer_id, email=f"{customer_id}@example.com", at=placed)
    marketing = None if box is None else MarketingConsent(box, placed)
    return OrderChanged(replace(state, marketing=marketing))


def update(customer_id: str, accepts: bool, at: datetime | None) -> MarketingConsentChanged:
    return MarketingConsentChanged(
        customer_id=customer_id, email=None, consent=MarketingConsent(accepts, at)
    )


def test_a_buyer_who_ticked_the_box_accepts_marketing_from_the_order(
    any_db: Database, shop_id: int
) -> None:
    buyer = new_id()
    deliver(any_db, shop_id, paid_order(buyer, box=True))

    assert consent(any_db, shop_id, buyer) == (True, T0)


def test_a_buyer_who_left_the_box_unticked_does_not(any_db: Database, shop_id: int) -> None:
    buyer = new_id()
    deliver(any_db, shop_id, paid_order(buyer, box=False))

    assert consent(any_db, shop_id, buyer) == (False, None)


def test_an_order_that_says_nothing_leaves_consent_unknown(any_db: Database, shop_id: int) -> None:
    buyer = new_id()
    deliver(any_db, shop_id, paid_order(buyer, box=None))

    assert consent(any_db, shop_id, buyer) == (None, None)


def test_an_unpaid_order_records_no_consent(any_db: Database, shop_id: int) -> None:
    buyer = new_id()
    unpaid = paid_order(buyer, box=True)
    deliver(any_db, shop_id, OrderChanged(replace(unpaid.order, paid=False)))

    assert consent(any_db, shop_id, buyer) == (None, None)


def test_a_later_unsubscribe_on_the_store_withdraws_it(any_db: Database, shop_id: int) -> None:
    buyer = new_id()
    deliver(any_db, shop_id, paid_order(buyer, box=True))
    deliver(any_db, shop_id, update(buyer, accepts=False, at=LATER))

    assert consent(any_db, shop_id, buyer) == (False, LATER)


def test_the_order_seen_again_after_the_unsubscribe_does_not_grant_it_back(
    any_db: Database, shop_id: int
) -> None:
    buyer = new_id()
    placed = paid_order(buyer, box=True)
    deliver(any_db, shop_id, placed)
    deliver(any_db, shop_id, update(buyer, accepts=False, at=LATER))
    # orders/updated for the same order (a fulfilment, a note), and reconciliation's re-read.
    deliver(
        any_db, shop_id, OrderChanged(replace(placed.order, updated_at=LATER + timedelta(days=1)))
    )

    assert consent(any_db, shop_id, buyer) == (False, LATER)


def test_an_unsubscribe_delivered_before_the_order_still_wins(
    any_db: Database, shop_id: int
) -> None:
    buyer = new_id()
    deliver(any_db, shop_id, update(buyer, accepts=False, at=LATER))
    deliver(any_db, shop_id, paid_order(buyer, box=True, placed=T0))

    assert consent(any_db, shop_id, buyer) == (False, LATER)


def test_reordered_updates_leave_the_newest_in_place(any_db: Database, shop_id: int) -> None:
    buyer = new_id()
    deliver(any_db, shop_id, paid_order(buyer, box=False))
    deliver(any_db, shop_id, update(buyer, accepts=True, at=LATER + timedelta(hours=1)))
    deliver(any_db, shop_id, update(buyer, accepts=False, at=LATER))

    assert consent(any_db, shop_id, buyer) == (True, LATER + timedelta(hours=1))


def test_a_replayed_update_changes_nothing(any_db: Database, shop_id: int) -> None:
    buyer = new_id()
    deliver(any_db, shop_id, paid_order(buyer, box=True))
    withdrawal = update(buyer, accepts=False, at=LATER)
    for _ in range(3):
        deliver(any_db, shop_id, withdrawal)

    assert consent(any_db, shop_id, buyer) == (False, LATER)


def test_a_new_order_with_the_box_ticked_after_an_unsubscribe_opts_in_again(
    any_db: Database, shop_id: int
) -> None:
    buyer = new_id()
    deliver(any_db, shop_id, update(buyer, accepts=False, at=T0))
    deliver(any_db, shop_id, paid_order(buyer, box=True, placed=LATER))

    assert consent(any_db, shop_id, buyer) == (True, LATER)


def test_an_update_finds_the_customer_by_email_when_the_store_names_no_id(
    any_db: Database, shop_id: int
) -> None:
    buyer = new_id()
    deliver(any_db, shop_id, paid_order(buyer, box=True))
    deliver(
        any_db,
        shop_id,
        MarketingConsentChanged(
            customer_id=None,
            email=f"{buyer.upper()}@Example.com",
            consent=MarketingConsent(False, LATER),
        ),
    )

    assert consent(any_db, shop_id, buyer) == (False, LATER)


def test_an_update_naming_nobody_changes_nothing(any_db: Database, shop_id: int) -> None:
    deliver(
        any_db,
        shop_id,
        MarketingConsentChanged(None, None, MarketingConsent(True, LATER)),
    )

    with any_db.sessions() as session:
        assert session.scalars(select(Customer)).all() == []


def test_a_redacted_person_is_not_brought_back_by_a_consent_update(
    any_db: Database, shop_id: int
) -> None:
    buyer = new_id()
    deliver(any_db, shop_id, paid_order(buyer, box=True))
    any_db.run(lambda s: redact_customer(s, shop_id, buyer, None))

    deliver(any_db, shop_id, update(buyer, accepts=True, at=LATER))

    with any_db.sessions() as session:
        kept = session.scalars(select(Customer)).all()
    assert [(c.platform_customer_id, c.email) for c in kept] == [(None, None)]
