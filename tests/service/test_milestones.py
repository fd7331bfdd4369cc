"""Milestones: bonus points at a referrer's Nth approved referral, once, and taken back with the
referral that reached them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from passiton.app.database import Database
from passiton.core.events import OrderChanged, OrderState, RefundSeen
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import (
    Customer,
    LedgerEntry,
    MilestoneGrant,
    ReferralStatus,
    RewardKind,
)
from passiton.core.services.approvals import approve_due
from passiton.core.services.dispatch import apply_events
from passiton.core.services.redemption import redeem
from passiton.core.services.reviews import ReviewDecision, decide
from passiton.core.services.shops import update_settings
from tests.support.builders import (
    T0,
    assert_ledger_matches,
    balances,
    claim,
    later,
    make_referrer,
    make_shop,
    order,
    referral,
)

TIERS = [{"referrals": 2, "points": 200}, {"referrals": 3, "points": 500}]


def deliver(db: Database, shop_id: int, state: OrderState) -> None:
    db.run(lambda s: apply_events(s, shop_id, [OrderChanged(state)], T0))


def approve(db: Database, days: int = 31) -> int:
    return db.run(lambda s: approve_due(s, T0 + timedelta(days=days)))


def convert(db: Database, shop_id: int, anna: Customer, n: int) -> OrderState:
    """The n-th friend claims a code and orders with it."""
    email = f"friend{n}@example.com"
    state = order(codes=(claim(db, shop_id, anna, email).code,), email=email)
    deliver(db, shop_id, state)
    return state


def milestone_keys(db: Database, customer_id: int) -> list[str]:
    with db.sessions() as session:
        return list(
            session.scalars(
                select(LedgerEntry.idem_key)
                .where(
                    LedgerEntry.customer_id == customer_id,
                    LedgerEntry.idem_key.like("milestone%"),
                )
                .order_by(LedgerEntry.id)
            )
        )


def grants(db: Database, customer_id: int) -> list[MilestoneGrant]:
    with db.sessions() as session:
        return list(
            session.scalars(
                select(MilestoneGrant)
                .where(MilestoneGrant.customer_id == customer_id)
                .order_by(MilestoneGrant.referrals)
            )
        )


def shop_with_milestones(db: Database, stores: FakeStoreDirectory) -> tuple[int, Customer]:
    shop_id = make_shop(db, stores, settings={"milestones": TIERS})
    return shop_id, make_referrer(db, shop_id)


def test_the_nth_approved_referral_grants_its_tier_once(
    any_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id, anna = shop_with_milestones(any_db, stores)
    first = convert(any_db, shop_id, anna, 1)
    approve(any_db)
    assert balances(any_db, anna.id) == (0, 1000)

    convert(any_db, shop_id, anna, 2)
    deliver(any_db, shop_id, later(first))
    approve(any_db, days=32)
    approve(any_db, days=33)

    assert balances(any_db, anna.id) == (0, 2200)
    assert milestone_keys(any_db, anna.id) == [f"milestone:{anna.id}:2:0"]
    assert_ledger_matches(any_db, anna.id)


def test_pending_referrals_do_not_count_towards_a_tier(
    any_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id, anna = shop_with_milestones(any_db, stores)
    convert(any_db, shop_id, anna, 1)
    convert(any_db, shop_id, anna, 2)

    assert balances(any_db, anna.id) == (2000, 0)
    assert milestone_keys(any_db, anna.id) == []


def test_a_refund_within_the_hold_means_the_tier_is_never_reached(
    any_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id, anna = shop_with_milestones(any_db, stores)
    convert(any_db, shop_id, anna, 1)
    second = convert(any_db, shop_id, anna, 2)
    deliver(any_db, shop_id, later(second, cancelled=True))
    approve(any_db)

    assert balances(any_db, anna.id) == (0, 1000)
    assert milestone_keys(any_db, anna.id) == []


def test_the_bonus_is_clawed_back_when_the_referral_that_reached_it_is_reversed(
    any_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id, anna = shop_with_milestones(any_db, stores)
    convert(any_db, shop_id, anna, 1)
    second = convert(any_db, shop_id, anna, 2)
    approve(any_db)
    assert balances(any_db, anna.id) == (0, 2200)

    for _ in range(2):
        deliver(any_db, shop_id, later(second, refunds=(RefundSeen("r1", Decimal("100.00")),)))

    assert balances(any_db, anna.id) == (0, 1000)
    assert milestone_keys(any_db, anna.id) == [
        f"milestone:{anna.id}:2:0",
        f"milestone-clawback:{anna.id}:2:1",
    ]
    [grant] = grants(any_db, anna.id)
    assert (grant.points_clawed_back, grant.points_unrecovered) == (200, 0)
    assert_ledger_matches(any_db, anna.id)


def test_a_partial_refund_keeps_the_bonus(any_db: Database, stores: FakeStoreDirectory) -> None:
    shop_id, anna = shop_with_milestones(any_db, stores)
    convert(any_db, shop_id, anna, 1)
    second = convert(any_db, shop_id, anna, 2)
    approve(any_db)

    deliver(any_db, shop_id, later(second, refunds=(RefundSeen("r1", Decimal("50.00")),)))

    assert balances(any_db, anna.id) == (0, 1700)
    assert milestone_keys(any_db, anna.id) == [f"milestone:{anna.id}:2:0"]


def test_a_spent_bonus_is_written_down_as_unrecovered_and_sent_to_review(
    any_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id, anna = shop_with_milestones(any_db, stores)
    convert(any_db, shop_id, anna, 1)
    second = convert(any_db, shop_id, anna, 2)
    approve(any_db)
    any_db.run(lambda s: redeem(s, shop_id, anna.id, 2000, RewardKind.REWARD, "k1"))

    deliver(any_db, shop_id, later(second, cancelled=True))

    assert balances(any_db, anna.id) == (0, 0)
    [grant] = grants(any_db, anna.id)
    assert (grant.points_clawed_back, grant.points_unrecovered) == (0, 200)
    flagged = referral(any_db, grant.referral_id)
    assert (flagged.status, flagged.review_reason) == (
        ReferralStatus.REVIEW,
        "unrecovered_clawback",
    )
    assert_ledger_matches(any_db, anna.id)
    decided = any_db.run(
        lambda s: decide(s, shop_id, grant.referral_id, ReviewDecision.APPROVE, "", T0)
    )
    assert decided.status is ReferralStatus.REVERSED
    assert balances(any_db, anna.id) == (0, 0)


def test_a_reinstated_order_gives_back_what_was_clawed_of_the_bonus(
    any_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id, anna = shop_with_milestones(any_db, stores)
    convert(any_db, shop_id, anna, 1)
    second = convert(any_db, shop_id, anna, 2)
    approve(any_db)
    any_db.run(lambda s: redeem(s, shop_id, anna.id, 1100, RewardKind.REWARD, "k1"))

    deliver(any_db, shop_id, later(second, cancelled=True))
    assert balances(any_db, anna.id) == (0, 0)
    [grant] = grants(any_db, anna.id)
    assert (grant.points_clawed_back, grant.points_unrecovered) == (100, 100)

    deliver(any_db, shop_id, later(second, minutes=2, cancelled=False))

    assert balances(any_db, anna.id) == (0, 1100)
    [grant] = grants(any_db, anna.id)
    assert (grant.points_clawed_back, grant.points_unrecovered) == (0, 100)
    assert milestone_keys(any_db, anna.id)[-1] == f"milestone-return:{anna.id}:2:2"
    assert_ledger_matches(any_db, anna.id)


def test_tiers_follow_the_terms_the_reaching_referral_was_made_under(
    any_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id, anna = shop_with_milestones(any_db, stores)
    convert(any_db, shop_id, anna, 1)
    convert(any_db, shop_id, anna, 2)
    any_db.run(lambda s: update_settings(s, shop_id, {"milestones": []}))
    third = convert(any_db, shop_id, anna, 3)
    approve(any_db)

    # Friends 1 and 2 were referred under the tiers; the third, under none.
    assert [g.referrals for g in grants(any_db, anna.id)] == [2]
    assert balances(any_db, anna.id) == (0, 3200)
    assert third.order_id


def test_another_referrers_approvals_do_not_count(
    any_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id, anna = shop_with_milestones(any_db, stores)
    ben = make_referrer(any_db, shop_id, email="ben@example.com", name="Ben")
    convert(any_db, shop_id, anna, 1)
    email = "friend-of-ben@example.com"
    deliver(any_db, shop_id, order(codes=(claim(any_db, shop_id, ben, email).code,), email=email))
    approve(any_db)

    assert grants(any_db, anna.id) == grants(any_db, ben.id) == []
