"""Store API failing one call in five: a real Huey consumer on Redis, task retries and the sweep.

Pool fills and reward fulfilments go through the queue; the store refuses 20 % of calls at random
(retryable, before doing anything). At the end every owed code exists on its store, each created
exactly once, and nothing is owed any more.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passiton.app.runtime import Runtime
from passiton.core.events import OrderChanged
from passiton.core.ledger import ledger_sums
from passiton.core.models import (
    Customer,
    FriendCode,
    FriendCodeStatus,
    Platform,
    RewardCode,
    RewardCodeStatus,
    RewardKind,
)
from passiton.core.services import friend_pool
from passiton.core.services.approvals import approve_due
from passiton.core.services.claims import claim_friend_code
from passiton.core.services.dispatch import apply_events
from passiton.core.services.redemption import redeem
from passiton.core.services.shops import current_offer, install_shop, update_settings
from tests.conftest import RuntimeFactory
from tests.faults.flaky_store import FlakyStoreDirectory
from tests.support.builders import make_referrer, order
from tests.support.servers import RedisServer

SHOPS = 4
REFERRERS = 3
FRIENDS = 36
"""Per shop: enough claims to take the pool below its low-water mark, so it is refilled."""
DEADLINE = 120.0


@contextmanager
def consumer(runtime: Runtime, workers: int) -> Iterator[None]:
    worker = runtime.huey.create_consumer(workers=workers, worker_type="thread", periodic=False)
    worker.start()
    try:
        yield
    finally:
        worker.stop(graceful=True)


def test_every_owed_code_is_created_once_despite_a_failing_store(
    make_runtime: RuntimeFactory, pg_url: str, redis_server: RedisServer
) -> None:
    directory = FlakyStoreDirectory(failure_rate=0.2, seed=41)
    runtime = make_runtime(
        pg_url, stores=directory, queue_url=redis_server.url, immediate_tasks=False
    )
    runtime.huey.flush()
    db = runtime.db
    shops = [_install(runtime, i) for i in range(SHOPS)]
    referrers: dict[int, list[int]] = {}

    with consumer(runtime, workers=4):
        for shop_id in shops:
            runtime.tasks.refill_pool(shop_id)
        _drive(runtime, shops)
        for shop_id in shops:
            referrers[shop_id] = _referrals(runtime, shop_id)
        db.run(lambda s: approve_due(s, datetime.now(UTC) + timedelta(days=31)))
        for ids in referrers.values():
            for customer_id in ids:
                _redeem_everything(runtime, customer_id)
        _drive(runtime, shops)

    runtime.huey.flush()
    with db.sessions() as session:
        assert _owed(session) == 0
        friend_codes = {
            shop_id: set(
                session.scalars(
                    select(FriendCode.code).where(
                        FriendCode.shop_id == shop_id,
                        FriendCode.status.in_(
                            [FriendCodeStatus.AVAILABLE, FriendCodeStatus.ASSIGNED]
                        ),
                    )
                )
            )
            for shop_id in shops
        }
        rewards = session.execute(select(RewardCode.shop_id, RewardCode.code, RewardCode.status))
        reward_codes: dict[int, set[str]] = {shop_id: set() for shop_id in shops}
        for shop_id, code, status in rewards:
            assert status is RewardCodeStatus.CREATED
            reward_codes[shop_id].add(code)
        for ids in referrers.values():
            for customer_id in ids:
                customer = session.get_one(Customer, customer_id)
                assert ledger_sums(session, customer_id) == (
                    customer.points_pending,
                    customer.points_available,
                )
                assert customer.points_available < 500

    calls = failures = 0
    for shop_id in shops:
        store = directory.stores[shop_id]
        calls, failures = calls + store.calls, failures + store.failures
        assert len(friend_codes[shop_id]) >= friend_pool.POOL_TARGET + FRIENDS - 20
        assert set(store.friend_codes) == friend_codes[shop_id]
        assert set(store.restricted) == reward_codes[shop_id]
        assert len(reward_codes[shop_id]) >= FRIENDS * 2 - REFERRERS
        created = friend_codes[shop_id] | reward_codes[shop_id]
        assert {code: store.creations[code] for code in created} == dict.fromkeys(created, 1)
    assert 0.1 < failures / calls < 0.3


def _install(runtime: Runtime, i: int) -> int:
    def work(session: Session) -> int:
        shop_id = install_shop(session, platform=Platform.FAKE, domain=f"flaky-{i}.example").id
        update_settings(session, shop_id, {"velocity_cap": 0})
        return shop_id

    return runtime.db.run(work)


def _referrals(runtime: Runtime, shop_id: int) -> list[int]:
    """Friends claim codes (asking for a refill when the pool runs low) and buy with them."""
    db = runtime.db
    people = [
        make_referrer(db, shop_id, email=f"referrer{i}@example.com", name=f"R{i}")
        for i in range(REFERRERS)
    ]
    for i in range(FRIENDS):
        referrer = people[i % REFERRERS]
        email = f"friend{i}@example.com"
        claim = db.run(
            lambda s, c=referrer.referral_code, e=email: claim_friend_code(  # type: ignore[misc]
                s, shop_id, c, e
            )
        )
        if claim.pool_low:
            runtime.tasks.refill_pool(shop_id)  # what the landing page does
        state = order(codes=(claim.code,), email=email, at=datetime.now(UTC))
        db.run(lambda s, st=state: apply_events(s, shop_id, [OrderChanged(st)], st.updated_at))  # type: ignore[misc]
    return [p.id for p in people]


def _redeem_everything(runtime: Runtime, customer_id: int) -> None:
    db = runtime.db
    n = 0
    while True:
        with db.sessions() as session:
            customer = session.get_one(Customer, customer_id)
            shop_id, available = customer.shop_id, customer.points_available
        if available < 500:
            return
        reward = db.run(
            lambda s, k=f"r-{n}", sid=shop_id: redeem(  # type: ignore[misc]
                s, sid, customer_id, 500, RewardKind.REWARD, k
            )
        )
        runtime.tasks.fulfil_reward(reward.reward_id)  # what the API does after a redemption
        n += 1


def _drive(runtime: Runtime, shops: list[int]) -> None:
    """Let the consumer work, running the periodic sweep, until nothing is owed (bounded)."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        with runtime.db.sessions() as session:
            if _owed(session) == 0 and all(
                friend_pool.ready_count(session, current_offer(session, s).id)
                >= friend_pool.LOW_WATER
                for s in shops
            ):
                return
        runtime.tasks.sweep.call_local()  # what the scheduler runs every five minutes
        time.sleep(0.5)


def _owed(session: Session) -> int:
    codes = session.scalar(
        select(func.count())
        .select_from(FriendCode)
        .where(FriendCode.status == FriendCodeStatus.OWED)
    )
    rewards = session.scalar(
        select(func.count())
        .select_from(RewardCode)
        .where(RewardCode.status == RewardCodeStatus.OWED)
    )
    return int(codes or 0) + int(rewards or 0)
