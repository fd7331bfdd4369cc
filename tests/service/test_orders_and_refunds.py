"""Flows 4 to 6: conversion with fraud rules, refunds and cancels, approval after the hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from passiton.app.database import Database
from passiton.core.events import OrderChanged, OrderDeleted, RefundCreated, RefundSeen
from passiton.core.models import Customer, LedgerEntry, ReferralStatus, RewardKind
from passiton.core.services.approvals import approve_due
from passiton.core.services.dispatch import apply_events
from passiton.core.services.orders import handle_order
from passiton.core.services.redemption import redeem
from passiton.core.services.shops import update_settings
from tests.support.builders import (
    T0,
    assert_ledger_matches,
    balances,
    claim,
    later,
    make_referrer,
    order,
    referral,
)

HOLD = timedelta(days=30)


def deliver(db: Database, shop_id: int, *events: object) -> None:
    db.run(lambda s: apply_events(s, shop_id, list(events), T0))  # type: ignore[arg-type]


def approve(db: Database, days: int = 31) -> int:
    return db.run(lambda s: approve_due(s, T0 + timedelta(days=days)))


def entry_keys(db: Database, customer_id: int) -> list[str]:
    with db.sessions() as session:
        return list(
            session.scalars(
                select(LedgerEntry.idem_key)
                .where(LedgerEntry.customer_id == customer_id)
                .order_by(LedgerEntry.id)
            )
        )


def test_order_with_friend_code_credits_pending_points_once(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    code = claim(any_db, shop_id, anna, "fritz@example.com").code
    state = order(codes=(code.lower(),))
    for _ in range(3):
        deliver(any_db, shop_id, OrderChanged(state))
    assert balances(any_db, anna.id) == (1000, 0)
    assert entry_keys(any_db, anna.id) == [f"earn:{state.order_id}"]
    assert_ledger_matches(any_db, anna.id)


def test_unpaid_order_waits_until_paid(any_db: Database, shop_id: int, anna: Customer) -> None:
    code = claim(any_db, shop_id, anna, "fritz@example.com").code
    state = order(codes=(code,), paid=False)
    deliver(any_db, shop_id, OrderChanged(state))
    assert balances(any_db, anna.id) == (0, 0)
    deliver(any_db, shop_id, OrderChanged(later(state, paid=True)))
    assert balances(any_db, anna.id) == (1000, 0)


def test_referral_code_in_order_attributes_converts_without_a_friend_code(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    deliver(any_db, shop_id, OrderChanged(order(ref_code=anna.referral_code.lower())))
    assert balances(any_db, anna.id) == (1000, 0)


def test_only_the_first_qualifying_order_counts(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    code = claim(any_db, shop_id, anna, "fritz@example.com").code
    deliver(any_db, shop_id, OrderChanged(order(codes=(code,))))
    deliver(any_db, shop_id, OrderChanged(order(ref_code=anna.referral_code)))
    assert balances(any_db, anna.id) == (1000, 0)


def test_self_referral_by_customer_id_is_rejected(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    result = claim(any_db, shop_id, anna, "other-address@example.com")
    state = order(
        codes=(result.code,),
        customer_id=anna.platform_customer_id,
        email="other-address@example.com",
    )
    deliver(any_db, shop_id, OrderChanged(state))
    rejected = referral(any_db, result.referral_id)
    assert (rejected.status, rejected.review_reason) == (
        ReferralStatus.REJECTED,
        "self_referral_customer",
    )
    assert balances(any_db, anna.id) == (0, 0)


@pytest.mark.parametrize(
    "variant",
    ["anna@example.com.", '"anna"@example.com', "an\u200bna@example.com", "ANNA@EXAMPLE.COM\ufeff"],
)
def test_self_referral_through_a_variant_of_the_referrers_address_is_rejected(
    any_db: Database, shop_id: int, anna: Customer, variant: str
) -> None:
    result = claim(any_db, shop_id, anna, "other-address@example.com")
    deliver(any_db, shop_id, OrderChanged(order(codes=(result.code,), email=variant)))
    rejected = referral(any_db, result.referral_id)
    assert (rejected.status, rejected.review_reason) == (
        ReferralStatus.REJECTED,
        "self_referral_email",
    )
    assert balances(any_db, anna.id) == (0, 0)


def test_same_shipping_address_goes_to_review_without_credit(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    result = claim(any_db, shop_id, anna, "fritz@example.com")
    deliver(
        any_db, shop_id, OrderChanged(order(codes=(result.code,), shipping_key=anna.shipping_key))
    )
    flagged = referral(any_db, result.referral_id)
    assert flagged.status is ReferralStatus.REVIEW
    assert flagged.review_reason == "same_shipping_address"
    assert balances(any_db, anna.id) == (0, 0)


def test_returning_customer_is_not_a_new_friend(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    deliver(any_db, shop_id, OrderChanged(order(email="fritz@example.com")))
    result = claim(any_db, shop_id, anna, "fritz@example.com")
    deliver(any_db, shop_id, OrderChanged(order(codes=(result.code,), email="fritz@example.com")))
    assert referral(any_db, result.referral_id).status is ReferralStatus.REJECTED
    assert balances(any_db, anna.id) == (0, 0)


def test_velocity_cap_sends_extra_referrals_to_review(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    with any_db.transaction() as session:
        update_settings(session, shop_id, {"velocity_cap": 2})
    outcomes = []
    for i in range(3):
        result = claim(any_db, shop_id, anna, f"f{i}@example.com")
        deliver(
            any_db, shop_id, OrderChanged(order(codes=(result.code,), email=f"f{i}@example.com"))
        )
        outcomes.append(referral(any_db, result.referral_id).status)
    assert outcomes == [ReferralStatus.PENDING, ReferralStatus.PENDING, ReferralStatus.REVIEW]
    assert balances(any_db, anna.id) == (2000, 0)


def test_partial_refund_reduces_pending_pro_rata_and_full_refund_reverses(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    code = claim(any_db, shop_id, anna, "fritz@example.com").code
    state = order(codes=(code,))
    deliver(any_db, shop_id, OrderChanged(state))
    deliver(any_db, shop_id, RefundCreated(state.order_id, RefundSeen("r1", Decimal("40.00"))))
    assert balances(any_db, anna.id) == (600, 0)
    deliver(any_db, shop_id, RefundCreated(state.order_id, RefundSeen("r2", Decimal("60.00"))))
    deliver(any_db, shop_id, RefundCreated(state.order_id, RefundSeen("r2", Decimal("60.00"))))
    assert balances(any_db, anna.id) == (0, 0)
    assert approve(any_db) == 0
    assert balances(any_db, anna.id) == (0, 0)
    assert_ledger_matches(any_db, anna.id)


def test_refund_before_order_is_counted_when_the_order_arrives(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    code = claim(any_db, shop_id, anna, "fritz@example.com").code
    state = order(codes=(code,))
    deliver(any_db, shop_id, RefundCreated(state.order_id, RefundSeen("r1", Decimal("50.00"))))
    deliver(any_db, shop_id, OrderChanged(state))
    assert balances(any_db, anna.id) == (500, 0)


def test_stale_snapshot_does_not_undo_a_cancel(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    code = claim(any_db, shop_id, anna, "fritz@example.com").code
    state = order(codes=(code,))
    cancelled = later(state, 5, cancelled=True)
    deliver(any_db, shop_id, OrderChanged(cancelled))
    deliver(any_db, shop_id, OrderChanged(state))
    assert balances(any_db, anna.id) == (0, 0)


def test_cancel_then_trash_reverses_once(any_db: Database, shop_id: int, anna: Customer) -> None:
    code = claim(any_db, shop_id, anna, "fritz@example.com").code
    state = order(codes=(code,))
    deliver(any_db, shop_id, OrderChanged(state))
    deliver(any_db, shop_id, OrderChanged(later(state, cancelled=True)))
    deliver(any_db, shop_id, OrderDeleted(state.order_id))
    assert balances(any_db, anna.id) == (0, 0)
    assert len(entry_keys(any_db, anna.id)) == 2


def test_approval_makes_points_available_after_the_hold_only(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    code = claim(any_db, shop_id, anna, "fritz@example.com").code
    deliver(any_db, shop_id, OrderChanged(order(codes=(code,))))
    assert approve(any_db, days=29) == 0
    assert balances(any_db, anna.id) == (1000, 0)
    assert approve(any_db, days=31) == 1
    assert approve(any_db, days=32) == 0
    assert balances(any_db, anna.id) == (0, 1000)
    assert_ledger_matches(any_db, anna.id)


def test_refund_after_approval_claws_back_once(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    code = claim(any_db, shop_id, anna, "fritz@example.com").code
    state = order(codes=(code,))
    deliver(any_db, shop_id, OrderChanged(state))
    approve(any_db)
    refunded = later(state, refunds=(RefundSeen("r1", Decimal("25.00")),))
    for _ in range(2):
        deliver(any_db, shop_id, OrderChanged(refunded))
    assert balances(any_db, anna.id) == (0, 750)
    assert_ledger_matches(any_db, anna.id)


def test_clawback_beyond_the_balance_flags_for_review_and_never_goes_negative(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    result = claim(any_db, shop_id, anna, "fritz@example.com")
    state = order(codes=(result.code,))
    deliver(any_db, shop_id, OrderChanged(state))
    approve(any_db)
    any_db.run(lambda s: redeem(s, shop_id, anna.id, 800, RewardKind.REWARD, "k1"))
    deliver(any_db, shop_id, OrderChanged(later(state, cancelled=True)))
    assert balances(any_db, anna.id) == (0, 0)
    flagged = referral(any_db, result.referral_id)
    assert flagged.status is ReferralStatus.REVIEW
    assert (flagged.points_clawed_back, flagged.points_unrecovered) == (200, 800)
    assert_ledger_matches(any_db, anna.id)


def test_settings_change_applies_to_new_referrals_only(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    old = claim(any_db, shop_id, anna, "old@example.com").code
    with any_db.transaction() as session:
        update_settings(session, shop_id, {"reward_points": 300})
    bob = make_referrer(any_db, shop_id, email="bob@example.com", name="Bob")
    new = claim(any_db, shop_id, bob, "new@example.com").code
    deliver(any_db, shop_id, OrderChanged(order(codes=(old,), email="old@example.com")))
    deliver(any_db, shop_id, OrderChanged(order(codes=(new,), email="new@example.com")))
    assert balances(any_db, anna.id) == (1000, 0)
    assert balances(any_db, bob.id) == (300, 0)


def test_order_for_an_unknown_code_changes_no_balance(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    deliver(any_db, shop_id, OrderChanged(order(codes=("SOMEONE-ELSE",))))
    assert balances(any_db, anna.id) == (0, 0)
    assert entry_keys(any_db, anna.id) == []


def test_hold_period_starts_at_conversion(any_db: Database, shop_id: int, anna: Customer) -> None:
    result = claim(any_db, shop_id, anna, "fritz@example.com")
    any_db.run(lambda s: handle_order(s, shop_id, order(codes=(result.code,)), T0))
    found = referral(any_db, result.referral_id)
    assert found.approve_after == T0 + HOLD


def customer_locale(db: Database, shop_id: int, customer_id: str) -> str | None:
    with db.sessions() as session:
        return session.scalar(
            select(Customer.locale).where(
                Customer.shop_id == shop_id, Customer.platform_customer_id == customer_id
            )
        )


def test_a_paid_order_stores_the_buyers_language_on_the_customer(
    any_db: Database, shop_id: int
) -> None:
    deliver(any_db, shop_id, OrderChanged(replace(order(customer_id="77"), locale="de_AT")))

    assert customer_locale(any_db, shop_id, "77") == "de-AT"


def test_the_latest_order_language_replaces_the_earlier_one_and_none_keeps_it(
    any_db: Database, shop_id: int
) -> None:
    deliver(any_db, shop_id, OrderChanged(replace(order(customer_id="77"), locale="de")))
    deliver(any_db, shop_id, OrderChanged(replace(order(customer_id="77"), locale=None)))
    assert customer_locale(any_db, shop_id, "77") == "de"

    deliver(any_db, shop_id, OrderChanged(replace(order(customer_id="77"), locale="fr-CA")))
    assert customer_locale(any_db, shop_id, "77") == "fr-CA"


def test_an_unusable_language_tag_is_not_stored(any_db: Database, shop_id: int) -> None:
    deliver(any_db, shop_id, OrderChanged(replace(order(customer_id="77"), locale="<b>de</b>")))

    assert customer_locale(any_db, shop_id, "77") is None
