"""A task worker killed with SIGKILL while it creates owed reward codes on a slow store.

A new worker and the periodic sweep finish the job: every owed code is created exactly once on the
store, no debit is lost or doubled, and balances still equal the ledger sums.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from passiton.app.runtime import Runtime
from passiton.core.events import OrderChanged
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.ledger import ledger_sums
from passiton.core.models import (
    Customer,
    EntryKind,
    LedgerEntry,
    RewardCode,
    RewardCodeStatus,
    RewardKind,
)
from passiton.core.ports import StoreShop
from passiton.core.services.approvals import approve_due
from passiton.core.services.dispatch import apply_events
from passiton.core.services.redemption import redeem
from tests.conftest import RuntimeFactory
from tests.faults.processes import ROOT, child_env
from tests.faults.redis_store import RedisStoreDirectory
from tests.support.builders import claim, make_referrer, make_shop, order
from tests.support.servers import RedisServer

FRIENDS = 8
REWARDS = 16
"""Each friend's order earns 1,000 points: two 500-point rewards."""
DELAY = 0.25


def test_killed_worker_loses_and_duplicates_nothing(
    make_runtime: RuntimeFactory, pg_url: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    store_url = f"redis://127.0.0.1:{redis_server.port}/1"
    runtime = make_runtime(
        pg_url,
        stores=RedisStoreDirectory(store_url),
        queue_url=redis_server.url,
        immediate_tasks=False,
    )
    runtime.huey.flush()
    shop_id, anna_id = _owed_rewards(runtime)
    store = RedisStoreDirectory(store_url).store_for(
        StoreShop(shop_id=shop_id, platform="fake", domain="", currency="USD")
    )
    env = {
        "PASSITON_DATABASE_URL": pg_url,
        "PASSITON_QUEUE_URL": redis_server.url,
        "PASSITON_SECRET_KEY": "fault-secret-key",
        "PASSITON_VAR_DIR": str(tmp_path / "var"),
        "FAULT_STORE_URL": store_url,
        "FAULT_STORE_DELAY": str(DELAY),
    }

    first = _worker(env)
    try:
        _wait(lambda: len(store.codes()) >= 4, "the first worker to create some codes")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    created_before_kill = len(store.codes())
    assert 0 < created_before_kill < REWARDS
    assert _owed(runtime) > 0

    second = _worker(env)
    try:
        deadline = time.monotonic() + 60
        while _owed(runtime) and time.monotonic() < deadline:
            runtime.tasks.sweep.call_local()  # what the scheduler runs every five minutes
            time.sleep(1.0)
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(timeout=30)
    runtime.huey.flush()

    assert _owed(runtime) == 0
    with runtime.db.sessions() as session:
        rewards = session.execute(select(RewardCode.code, RewardCode.status)).all()
        anna = session.get_one(Customer, anna_id)
        kinds = dict(
            session.execute(
                select(LedgerEntry.kind, func.count())
                .where(LedgerEntry.customer_id == anna_id)
                .group_by(LedgerEntry.kind)
            ).all()
        )
        sums = ledger_sums(session, anna_id)
    assert len(rewards) == REWARDS
    assert all(status is RewardCodeStatus.CREATED for _, status in rewards)
    assert store.codes() == {code for code, _ in rewards}
    assert store.creations() == dict.fromkeys(store.codes(), 1)
    assert kinds.get(EntryKind.REDEEM) == REWARDS
    assert EntryKind.REDEEM_RETURN not in kinds
    assert sums == (anna.points_pending, anna.points_available) == (0, 0)


def _owed_rewards(runtime: Runtime) -> tuple[int, int]:
    """A shop where Anna turned all her points into reward codes, all still owed to the store."""
    db = runtime.db
    shop_id = make_shop(db, FakeStoreDirectory(), settings={"velocity_cap": 0})
    anna = make_referrer(db, shop_id)
    for i in range(FRIENDS):
        email = f"friend{i}@example.com"
        code = claim(db, shop_id, anna, email).code
        state = order(codes=(code,), email=email, at=datetime.now(UTC))
        db.run(lambda s, st=state: apply_events(s, shop_id, [OrderChanged(st)], st.updated_at))  # type: ignore[misc]
    db.run(lambda s: approve_due(s, datetime.now(UTC) + timedelta(days=31)))
    for i in range(REWARDS):
        reward = db.run(
            lambda s, k=f"r-{i}": redeem(s, shop_id, anna.id, 500, RewardKind.REWARD, k)  # type: ignore[misc]
        )
        runtime.tasks.fulfil_reward(reward.reward_id)
    return shop_id, anna.id


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.faults.worker_entry"],
        env=child_env(env),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _owed(runtime: Runtime) -> int:
    with runtime.db.sessions() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(RewardCode)
                .where(RewardCode.status == RewardCodeStatus.OWED)
            )
            or 0
        )


def _wait(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
