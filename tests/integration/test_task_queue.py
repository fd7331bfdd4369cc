"""Background tasks through a real queue: Redis (scaled out) and SQLite (embedded default)."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from passiton.app.runtime import Runtime
from passiton.core.events import OrderChanged
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import (
    FriendCode,
    FriendCodeStatus,
    Platform,
    RewardCode,
    RewardCodeStatus,
    RewardKind,
)
from passiton.core.services import friend_pool
from passiton.core.services.approvals import approve_due
from passiton.core.services.dispatch import apply_events
from passiton.core.services.redemption import redeem
from passiton.core.services.shops import install_shop
from tests.conftest import RuntimeFactory
from tests.support.builders import T0, claim, make_referrer, order
from tests.support.consumer import consumer
from tests.support.servers import RedisServer


@pytest.fixture(params=["redis", "sqlite"])
def queued_runtime(
    request: pytest.FixtureRequest, make_runtime: RuntimeFactory, sqlite_url: str, tmp_path: Path
) -> Runtime:
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        queue_url = server.url
    else:
        queue_url = f"sqlite:///{tmp_path / 'tasks.db'}"
    runtime = make_runtime(
        sqlite_url, stores=FakeStoreDirectory(), queue_url=queue_url, immediate_tasks=False
    )
    runtime.huey.flush()
    return runtime


def pool_status(runtime: Runtime, status: FriendCodeStatus) -> int:
    with runtime.db.sessions() as session:
        count = session.scalar(
            select(func.count()).select_from(FriendCode).where(FriendCode.status == status)
        )
        return int(count or 0)


def install(runtime: Runtime) -> int:
    return runtime.db.run(
        lambda s: install_shop(s, platform=Platform.FAKE, domain="anna-shop.example").id
    )


def test_refill_task_fills_the_pool_through_the_queue(queued_runtime: Runtime) -> None:
    shop_id = install(queued_runtime)
    result = queued_runtime.tasks.refill_pool(shop_id)
    assert pool_status(queued_runtime, FriendCodeStatus.AVAILABLE) == 0
    with consumer(queued_runtime):
        made = result.get(blocking=True, timeout=30)
    assert made == friend_pool.POOL_TARGET
    assert pool_status(queued_runtime, FriendCodeStatus.AVAILABLE) == friend_pool.POOL_TARGET


def test_sweep_refinds_owed_work_whose_task_was_lost(queued_runtime: Runtime) -> None:
    shop_id = install(queued_runtime)
    queued_runtime.db.run(lambda s: friend_pool.reserve_codes(s, shop_id))
    assert pool_status(queued_runtime, FriendCodeStatus.OWED) == friend_pool.POOL_TARGET
    queued_runtime.tasks.sweep.call_local()  # what the scheduler runs every five minutes
    assert queued_runtime.huey.pending_count() == 1
    with consumer(queued_runtime):
        deadline = time.monotonic() + 30
        while pool_status(queued_runtime, FriendCodeStatus.OWED) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert pool_status(queued_runtime, FriendCodeStatus.OWED) == 0
    assert pool_status(queued_runtime, FriendCodeStatus.AVAILABLE) == friend_pool.POOL_TARGET


def test_owed_reward_code_is_created_by_the_worker(queued_runtime: Runtime) -> None:
    shop_id = install(queued_runtime)
    with consumer(queued_runtime):
        queued_runtime.tasks.refill_pool(shop_id).get(blocking=True, timeout=30)
    anna = make_referrer(queued_runtime.db, shop_id)
    code = claim(queued_runtime.db, shop_id, anna, "fritz@example.com").code
    queued_runtime.db.run(
        lambda s: apply_events(s, shop_id, [OrderChanged(order(codes=(code,)))], T0)
    )
    queued_runtime.db.run(lambda s: approve_due(s, T0 + timedelta(days=31)))
    reward = queued_runtime.db.run(
        lambda s: redeem(s, shop_id, anna.id, 500, RewardKind.REWARD, "k")
    )
    with consumer(queued_runtime):
        assert queued_runtime.tasks.fulfil_reward(reward.reward_id).get(blocking=True, timeout=30)
    with queued_runtime.db.sessions() as session:
        row = session.get(RewardCode, reward.reward_id)
        assert row is not None
        assert row.status is RewardCodeStatus.CREATED
