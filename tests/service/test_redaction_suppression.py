"""After `customers/redact`, a keyed hash of the person's identifiers still counts them as known.

The person's data is gone, but the new-customers-only rule must not start treating them as a
stranger: a redacted friend cannot take the first-order discount again with the same address.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from passiton.app.database import Database
from passiton.app.runtime import Runtime
from passiton.core.errors import AlreadyReferred
from passiton.core.events import CustomerRedactRequested, OrderChanged
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.fraud import Reason
from passiton.core.models import (
    Customer,
    FriendCode,
    FriendCodeStatus,
    Redaction,
    Referral,
    ReferralStatus,
)
from passiton.core.services.dispatch import apply_events
from tests.conftest import RuntimeFactory
from tests.support.builders import T0, claim, make_referrer, make_shop, new_id, order

FRIEND = "fritz@example.com"


def _friend_converted_then_redacted(db: Database, shop_id: int) -> tuple[Customer, Customer]:
    anna = make_referrer(db, shop_id)
    bob = make_referrer(db, shop_id, email="bob@example.com", name="Bob")
    code = claim(db, shop_id, anna, FRIEND).code
    friend_id = new_id()
    paid = order(codes=(code,), email=FRIEND, customer_id=friend_id)
    db.run(lambda s: apply_events(s, shop_id, [OrderChanged(paid)], T0))
    redact = CustomerRedactRequested(customer_id=friend_id, email=FRIEND)
    db.run(lambda s: apply_events(s, shop_id, [redact], T0 + timedelta(days=1)))
    return anna, bob


def _after_the_redaction() -> datetime:
    # Redactions are dated by the clock when they happen, not by the events' times.
    return datetime.now(UTC) + timedelta(minutes=1)


def test_a_redacted_friend_cannot_claim_a_first_order_discount_again(
    any_db: Database, shop_id: int
) -> None:
    _, bob = _friend_converted_then_redacted(any_db, shop_id)
    with any_db.sessions() as session:
        assigned_before = session.scalars(
            select(FriendCode.id).where(FriendCode.status == FriendCodeStatus.ASSIGNED)
        ).all()

    with pytest.raises(AlreadyReferred):
        claim(any_db, shop_id, bob, "Fritz@Example.com")

    with any_db.sessions() as session:
        assigned_after = session.scalars(
            select(FriendCode.id).where(FriendCode.status == FriendCodeStatus.ASSIGNED)
        ).all()
    assert assigned_after == assigned_before


def test_another_friend_still_claims_after_a_redaction(any_db: Database, shop_id: int) -> None:
    _, bob = _friend_converted_then_redacted(any_db, shop_id)

    assert claim(any_db, shop_id, bob, "greta@example.com").new is True


def test_a_redacted_friend_may_claim_when_the_program_takes_existing_customers(
    any_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id = make_shop(any_db, stores, settings={"new_customers_only": False})
    _, bob = _friend_converted_then_redacted(any_db, shop_id)

    assert claim(any_db, shop_id, bob, FRIEND).new is True


def test_a_redacted_friend_returning_with_a_referral_link_is_not_a_new_customer(
    any_db: Database, shop_id: int
) -> None:
    _, bob = _friend_converted_then_redacted(any_db, shop_id)
    # A new order from the same address, carrying Bob's link: the shopper may buy, but
    # the first-order reward is not earned a second time.
    again = order(
        email=FRIEND, customer_id=new_id(), ref_code=bob.referral_code, at=_after_the_redaction()
    )

    any_db.run(lambda s: apply_events(s, shop_id, [OrderChanged(again)], T0 + timedelta(days=2)))

    with any_db.sessions() as session:
        [rejected] = session.scalars(select(Referral).where(Referral.referrer_id == bob.id))
    assert rejected.status is ReferralStatus.REJECTED
    assert rejected.review_reason == Reason.NOT_NEW_CUSTOMER


def test_another_process_with_the_same_secret_recognises_the_redaction(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    # The web workers and the queue worker are separate processes: the worker redacts, a web
    # worker answers the next claim. Each builds its own runtime from the same settings.
    worker: Runtime = make_runtime(sqlite_url)
    web: Runtime = make_runtime(sqlite_url)
    shop_id = make_shop(worker.db, FakeStoreDirectory())
    _, bob = _friend_converted_then_redacted(worker.db, shop_id)

    with pytest.raises(AlreadyReferred):
        claim(web.db, shop_id, bob, FRIEND)


def test_what_outlives_the_redaction_is_one_hash_per_identifier(
    any_db: Database, shop_id: int
) -> None:
    _friend_converted_then_redacted(any_db, shop_id)

    with any_db.sessions() as session:
        digests = session.scalars(select(Redaction.digest)).all()
    assert len(digests) == 2  # the e-mail key and the platform customer id
    assert all(len(d) == 64 and set(d) <= set("0123456789abcdef") for d in digests)
