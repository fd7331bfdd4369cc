"""Races on a real PostgreSQL: unique keys and row locks decide, never check-then-act."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from passiton.app.database import Database
from passiton.core.errors import DomainError, InsufficientPoints
from passiton.core.events import OrderChanged
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.ledger import ledger_sums
from passiton.core.models import Customer, LedgerEntry, Referral, RewardCode, RewardKind
from passiton.core.services.approvals import approve_due
from passiton.core.services.claims import claim_friend_code
from passiton.core.services.dispatch import apply_events
from passiton.core.services.redemption import redeem
from tests.support.builders import T0, balances, claim, make_referrer, make_shop, order

THREADS = 16


def race(work: Callable[[int], Any], n: int = THREADS) -> list[Any]:
    """Run `work(i)` in n threads released at the same moment; return results or exceptions."""
    barrier = threading.Barrier(n)

    def run(i: int) -> Any:
        barrier.wait()
        try:
            return work(i)
        except Exception as error:  # collected and asserted on by the caller
            return error

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


@pytest.fixture
def stores() -> FakeStoreDirectory:
    return FakeStoreDirectory()


def test_many_deliveries_of_one_order_credit_exactly_once(
    pg_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id = make_shop(pg_db, stores)
    anna = make_referrer(pg_db, shop_id)
    code = claim(pg_db, shop_id, anna, "fritz@example.com").code
    event = OrderChanged(order(codes=(code,)))

    results = race(lambda _: pg_db.run(lambda s: apply_events(s, shop_id, [event], T0)))

    assert [r for r in results if isinstance(r, Exception)] == []
    assert balances(pg_db, anna.id) == (1000, 0)
    with pg_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 1


def test_concurrent_redemptions_never_overspend(
    pg_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id = make_shop(pg_db, stores)
    anna = make_referrer(pg_db, shop_id)
    for i in range(3):
        friend = f"friend{i}@example.com"
        code = claim(pg_db, shop_id, anna, friend).code
        pg_db.run(
            lambda s, c=code, f=friend: apply_events(  # type: ignore[misc]
                s, shop_id, [OrderChanged(order(codes=(c,), email=f))], T0
            )
        )
    pg_db.run(lambda s: approve_due(s, T0 + timedelta(days=31)))
    assert balances(pg_db, anna.id) == (0, 3000)

    results = race(
        lambda i: pg_db.run(
            lambda s: redeem(s, shop_id, anna.id, 700, RewardKind.REWARD, f"req-{i}")
        )
    )

    granted = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(granted) == 4
    assert all(isinstance(r, InsufficientPoints) for r in refused)
    assert balances(pg_db, anna.id) == (0, 200)
    with pg_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(RewardCode)) == 4
        assert ledger_sums(session, anna.id) == (0, 200)


def test_retried_redemption_racing_itself_debits_once(
    pg_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id = make_shop(pg_db, stores)
    anna = make_referrer(pg_db, shop_id)
    code = claim(pg_db, shop_id, anna, "fritz@example.com").code
    pg_db.run(lambda s: apply_events(s, shop_id, [OrderChanged(order(codes=(code,)))], T0))
    pg_db.run(lambda s: approve_due(s, T0 + timedelta(days=31)))

    results = race(
        lambda _: pg_db.run(lambda s: redeem(s, shop_id, anna.id, 600, RewardKind.GIFT, "same"))
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert len({r.code for r in results}) == 1
    assert balances(pg_db, anna.id) == (0, 400)


def test_same_friend_claiming_concurrently_gets_one_code(
    pg_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id = make_shop(pg_db, stores)
    anna = make_referrer(pg_db, shop_id)

    results = race(
        lambda _: pg_db.run(
            lambda s: claim_friend_code(s, shop_id, anna.referral_code, "fritz@example.com")
        )
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert len({r.code for r in results}) == 1
    with pg_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Referral)) == 1


def test_different_friends_claiming_concurrently_get_different_codes(
    pg_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id = make_shop(pg_db, stores)
    anna = make_referrer(pg_db, shop_id)

    results = race(
        lambda i: pg_db.run(
            lambda s: claim_friend_code(s, shop_id, anna.referral_code, f"f{i}@example.com")
        )
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == [] or all(isinstance(e, DomainError) for e in errors)
    codes = [r.code for r in results if not isinstance(r, Exception)]
    assert len(codes) == len(set(codes)) == THREADS


def test_concurrent_enrolment_of_one_buyer_makes_one_customer(
    pg_db: Database, stores: FakeStoreDirectory
) -> None:
    shop_id = make_shop(pg_db, stores)
    state = order(customer_id="42", email="zoe@example.com")

    results = race(
        lambda _: pg_db.run(lambda s: apply_events(s, shop_id, [OrderChanged(state)], T0))
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    with pg_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 1
