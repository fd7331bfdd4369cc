"""Orders and refunds in a currency other than the shop's: never credited on face value."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from passiton.app.database import Database
from passiton.core.events import OrderChanged, RefundCreated, RefundSeen
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import Customer, ReferralStatus
from passiton.core.services.dispatch import apply_events
from passiton.core.services.reviews import ReviewDecision, decide
from tests.support.builders import (
    T0,
    assert_ledger_matches,
    balances,
    claim,
    make_referrer,
    make_shop,
    order,
    referral,
)

PER_UNIT = {"reward_mode": "per_currency_unit", "reward_points": 10}


def deliver(db: Database, shop_id: int, *events: object) -> None:
    db.run(lambda s: apply_events(s, shop_id, list(events), T0))  # type: ignore[arg-type]


def test_an_order_in_another_currency_goes_to_review_with_the_reason(
    any_db: Database, stores: FakeStoreDirectory
) -> None:
    # Given a USD shop paying 10 points per unit, and a friend paying 100,000 JPY
    shop_id = make_shop(any_db, stores, settings=PER_UNIT)
    anna = make_referrer(any_db, shop_id)
    result = claim(any_db, shop_id, anna, "fritz@example.com")
    # When the order arrives
    deliver(
        any_db,
        shop_id,
        OrderChanged(order(codes=(result.code,), total="100000", currency="JPY")),
    )
    # Then nothing is credited (not 1,000,000 points) and the merchant sees why
    flagged = referral(any_db, result.referral_id)
    assert (flagged.status, flagged.review_reason) == (ReferralStatus.REVIEW, "foreign_currency")
    assert balances(any_db, anna.id) == (0, 0)


def test_an_order_in_the_shops_currency_is_credited_per_unit(
    any_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id = make_shop(any_db, stores, settings=PER_UNIT)
    anna = make_referrer(any_db, shop_id)
    result = claim(any_db, shop_id, anna, "fritz@example.com")
    deliver(any_db, shop_id, OrderChanged(order(codes=(result.code,), total="80.00")))
    assert balances(any_db, anna.id) == (800, 0)


def test_a_refund_in_a_third_currency_is_not_subtracted_and_flags_the_referral(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int, anna: Customer
) -> None:
    # Given a credited order in the shop's currency
    result = claim(any_db, shop_id, anna, "fritz@example.com")
    state = order(codes=(result.code,), total="100.00")
    deliver(any_db, shop_id, OrderChanged(state))
    assert balances(any_db, anna.id) == (1000, 0)
    # When a refund arrives in yen, which cannot be expressed in the shop's money
    deliver(any_db, shop_id, RefundCreated(state.order_id, RefundSeen("r1", Decimal(5000), "JPY")))
    # Then the credit is left alone and the referral waits for the merchant, with the reason
    flagged = referral(any_db, result.referral_id)
    assert (flagged.status, flagged.review_reason) == (
        ReferralStatus.REVIEW,
        "foreign_refund_currency",
    )
    assert balances(any_db, anna.id) == (1000, 0)
    # And refusing it in review takes the pending points back
    any_db.run(lambda s: decide(s, shop_id, result.referral_id, ReviewDecision.REJECT, "", T0))
    assert balances(any_db, anna.id) == (0, 0)
    assert_ledger_matches(any_db, anna.id)


def test_a_refund_in_the_shops_currency_still_reduces_pro_rata(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    result = claim(any_db, shop_id, anna, "fritz@example.com")
    state = order(codes=(result.code,), total="100.00")
    deliver(any_db, shop_id, OrderChanged(state))
    deliver(any_db, shop_id, RefundCreated(state.order_id, RefundSeen("r1", Decimal(25), "USD")))
    assert balances(any_db, anna.id) == (750, 0)


@pytest.mark.parametrize(
    "orders",
    [
        [("USD", 8000), ("JPY", 10_000_000), ("EUR", 4250)],
        [("EUR", 100), ("USD", 12345)],
        [("JPY", 500_000)],
    ],
)
def test_only_orders_in_the_shops_currency_earn_points(
    any_db: Database, stores: FakeStoreDirectory, orders: list[tuple[str, int]]
) -> None:
    # In a USD shop, an order earns points by its amount only when it is in USD; any other
    # currency earns nothing and waits for review, whatever its amount.
    shop_id = make_shop(any_db, stores, settings=PER_UNIT)
    anna = make_referrer(any_db, shop_id)
    expected = 0
    for i, (currency, cents) in enumerate(orders):
        result = claim(any_db, shop_id, anna, f"friend{i}@example.com")
        amount = Decimal(cents) / 100
        state = order(
            codes=(result.code,),
            email=f"friend{i}@example.com",
            total=str(amount),
            currency=currency,
            at=T0 + timedelta(minutes=i),
        )
        deliver(any_db, shop_id, OrderChanged(state))
        status = referral(any_db, result.referral_id).status
        if currency == "USD":
            expected += int(amount * 10)
            assert status is ReferralStatus.PENDING
        else:
            assert status is ReferralStatus.REVIEW
    assert balances(any_db, anna.id) == (expected, 0)
    assert_ledger_matches(any_db, anna.id)
