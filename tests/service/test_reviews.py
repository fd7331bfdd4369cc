"""The merchant's review queue: flagged referrals are approved (credited) or rejected."""

from __future__ import annotations

import pytest

from passiton.app.database import Database
from passiton.core.errors import NotInReview, UnknownReferral
from passiton.core.events import OrderChanged
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import Customer, ReferralStatus
from passiton.core.services.dispatch import apply_events
from passiton.core.services.reviews import ReviewDecision, decide, review_queue
from tests.support.builders import T0, balances, claim, make_shop, order, referral


def flagged(db: Database, shop_id: int, anna: Customer) -> int:
    """A referral whose friend ships to Anna's address: held for review."""
    result = claim(db, shop_id, anna, "fritz@example.com")
    state = order(codes=(result.code,), shipping_key=anna.shipping_key)
    db.run(lambda s: apply_events(s, shop_id, [OrderChanged(state)], T0))
    return result.referral_id


def test_flagged_referral_is_in_the_queue(any_db: Database, shop_id: int, anna: Customer) -> None:
    referral_id = flagged(any_db, shop_id, anna)
    with any_db.sessions() as session:
        assert [r.id for r in review_queue(session, shop_id)] == [referral_id]


def test_approving_a_flagged_referral_credits_pending_points(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    referral_id = flagged(any_db, shop_id, anna)
    any_db.run(
        lambda s: decide(s, shop_id, referral_id, ReviewDecision.APPROVE, "same household", T0)
    )
    approved = referral(any_db, referral_id)
    assert approved.status is ReferralStatus.PENDING
    assert approved.decision_note == "same household"
    assert balances(any_db, anna.id) == (1000, 0)


def test_rejecting_a_flagged_referral_credits_nothing(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    referral_id = flagged(any_db, shop_id, anna)
    any_db.run(lambda s: decide(s, shop_id, referral_id, ReviewDecision.REJECT, "fraud", T0))
    assert referral(any_db, referral_id).status is ReferralStatus.REJECTED
    assert balances(any_db, anna.id) == (0, 0)


def test_deciding_twice_is_refused(any_db: Database, shop_id: int, anna: Customer) -> None:
    referral_id = flagged(any_db, shop_id, anna)
    any_db.run(lambda s: decide(s, shop_id, referral_id, ReviewDecision.APPROVE, "", T0))
    with pytest.raises(NotInReview):
        any_db.run(lambda s: decide(s, shop_id, referral_id, ReviewDecision.APPROVE, "", T0))
    assert balances(any_db, anna.id) == (1000, 0)


def test_another_shop_cannot_decide(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int, anna: Customer
) -> None:
    referral_id = flagged(any_db, shop_id, anna)
    other = make_shop(any_db, stores, domain="other.example")
    with pytest.raises(UnknownReferral):
        any_db.run(lambda s: decide(s, other, referral_id, ReviewDecision.APPROVE, "", T0))
    assert referral(any_db, referral_id).status is ReferralStatus.REVIEW
