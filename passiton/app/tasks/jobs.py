"""Background tasks on Huey: SQLite store by default, Redis when PASSITON_QUEUE_URL is redis://.

Tasks are registered on a Huey instance built at start-up (nothing at import time). Every task is
idempotent: the database records what is owed (to a store, or a webhook delivery not yet applied),
so a task that is lost, retried or run twice converges; the periodic sweep re-finds owed work whose
task vanished.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from huey import RedisHuey, SqliteHuey, crontab
from huey.api import Huey
from huey.exceptions import TaskLockedException
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from passiton.app.config import Settings
from passiton.app.database import Database, create_private_file
from passiton.core.models import (
    FriendCode,
    FriendCodeStatus,
    FriendOffer,
    Platform,
    Shop,
    ShopStatus,
)
from passiton.core.ports import StoreDirectory, StoreError
from passiton.core.services import (
    approvals,
    deliveries,
    friend_pool,
    merchant_summary,
    reconciliation,
    redemption,
    retention,
    shop_facts,
)
from passiton.core.services.shops import store_shop

log = logging.getLogger(__name__)
DELIVERY_GRACE = timedelta(minutes=1)
"""How long a recorded delivery may wait for its task before the sweep enqueues it again."""
DELIVERY_BATCH = 1000
WEBHOOK_RECHECK = timedelta(minutes=10)
"""How soon a WooCommerce store whose webhooks were repaired is checked again.

A webhook WooCommerce disabled keeps its failure count at 6 when re-activated, until one
delivery succeeds: one more failure disables it again. Waiting for the hourly check would lose
up to an hour of deliveries (WooCommerce never retries them).
"""


def make_huey(settings: Settings) -> Huey:
    if settings.queue_on_redis:
        return RedisHuey("passiton", url=settings.queue_url, immediate=settings.immediate_tasks)
    parsed = make_url(settings.queue_url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise ValueError("PASSITON_QUEUE_URL must be sqlite:///PATH or redis://HOST:PORT/DB")
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    # A finally failed task's stored error may quote a value: the file is the owner's only.
    create_private_file(Path(parsed.database))
    return SqliteHuey("passiton", filename=parsed.database, immediate=settings.immediate_tasks)


@dataclass(frozen=True)
class Tasks:
    """Handles to enqueue work; each call returns at once (or runs inline in immediate mode)."""

    apply_delivery: Any
    refill_pool: Any
    retire_codes: Any
    fulfil_reward: Any
    reconcile_shop: Any
    register_webhooks: Any
    refresh_shop_facts: Any
    approve_due: Any
    sweep: Any
    reconcile_all: Any
    check_webhooks: Any
    recheck_webhooks: Any
    """Check one shop's webhooks again in WEBHOOK_RECHECK (after a repair)."""
    refresh_all_facts: Any
    prune_old_records: Any
    merchant_summaries: Any
    verify_woocommerce_grant: Any = None
    """Set by the WooCommerce wiring, which owns the key grant tasks."""
    revoke_woocommerce_key: Any = None
    sweep_woocommerce_grants: Any = None
    send_hook: Any = None
    """Set by the outbound webhook wiring: send one owed delivery to a merchant's endpoint."""
    sweep_hooks: Any = None
    publish_link: Any = None
    """Set by the Shopify wiring: write a buyer's link to their customer metafield."""
    sweep_links: Any = None
    send_mail: Any = None
    """Set by the mail wiring (app/mail/tasks.py), with the sweep that finds due messages."""
    sweep_mail: Any = None


def register_tasks(
    huey: Huey,
    db: Database,
    stores: StoreDirectory,
    keep: retention.RetentionPolicy | None = None,
) -> Tasks:
    policy = keep or retention.RetentionPolicy()

    @huey.task(name="apply_delivery", retries=6, retry_delay=10, retry_backoff=2)
    def apply_delivery(delivery_id: int) -> bool:
        # Retries cover a database that is down; races between deliveries that touch the
        # same order are re-run by db.run against the winner's committed state.
        return db.run(lambda s: deliveries.apply_delivery(s, delivery_id, datetime.now(UTC)))

    @huey.task(name="refill_pool", retries=6, retry_delay=20, retry_backoff=2)
    def refill_pool(shop_id: int) -> int:
        try:
            with huey.lock_task(f"pool-{shop_id}"):
                return _store_work(friend_pool.fill_pool, db, stores, shop_id)
        except TaskLockedException:
            # Another worker is filling this pool right now; its run covers ours.
            return 0

    @huey.task(name="retire_codes", retries=6, retry_delay=20, retry_backoff=2)
    def retire_codes(shop_id: int) -> int:
        return _store_work(friend_pool.retire_old_codes, db, stores, shop_id)

    @huey.task(
        name="fulfil_reward", retries=redemption.MAX_ATTEMPTS, retry_delay=15, retry_backoff=2
    )
    def fulfil_reward(reward_id: int) -> bool:
        try:
            return redemption.fulfil(db.sessions, stores, reward_id)
        except StoreError as error:
            if error.retryable:
                raise
            log.warning("reward %s refused by the store: %s", reward_id, error)
            return False

    @huey.task(name="reconcile_shop", retries=3, retry_delay=60)
    def reconcile_shop(shop_id: int) -> int:
        return _store_work(
            lambda s, st, sid: reconciliation.reconcile_shop(s, st, sid, datetime.now(UTC)),
            db,
            stores,
            shop_id,
        )

    @huey.task(name="register_webhooks", retries=6, retry_delay=30, retry_backoff=2)
    def register_webhooks(shop_id: int) -> None:
        with db.transaction() as session:
            shop = session.get(Shop, shop_id)
            if shop is None or shop.status is not ShopStatus.ACTIVE:
                return
            target = store_shop(shop)
        stores.store_for(target).register_webhooks()

    def recheck_webhooks(shop_id: int) -> None:
        register_webhooks.schedule(args=(shop_id,), delay=WEBHOOK_RECHECK.total_seconds())

    @huey.task(name="refresh_shop_facts", retries=6, retry_delay=30, retry_backoff=2)
    def refresh_shop_facts(shop_id: int) -> bool:
        try:
            return shop_facts.refresh_shop_facts(db.sessions, stores, shop_id, datetime.now(UTC))
        except StoreError as error:
            if error.retryable:
                raise
            log.warning("store refused its facts for shop %s: %s", shop_id, error)
            return False

    @huey.periodic_task(crontab(minute="*"), name="approve_due")
    def approve_due() -> int:
        total = 0
        while True:
            done = db.run(lambda s: approvals.approve_due(s, datetime.now(UTC)))
            total += done
            if done < approvals.BATCH:
                return total

    @huey.periodic_task(crontab(minute="*/5"), name="sweep")
    def sweep() -> None:
        with db.transaction() as session:
            unapplied = deliveries.unapplied_deliveries(
                session, datetime.now(UTC) - DELIVERY_GRACE, DELIVERY_BATCH
            )
            owed_rewards = redemption.owed_rewards(session)
            pools = _shops_needing_codes(session)
            retiring = _shops_retiring_codes(session)
        for delivery_id in unapplied:
            apply_delivery(delivery_id)
        for reward_id in owed_rewards:
            fulfil_reward(reward_id)
        for shop_id in pools:
            refill_pool(shop_id)
        for shop_id in retiring:
            retire_codes(shop_id)

    @huey.periodic_task(crontab(minute="7"), name="check_webhooks")
    def check_webhooks() -> None:
        # WooCommerce disables a webhook after 7 failed deliveries, silently, and never
        # retries; the store client's repair re-activates it and asks for a reconciliation.
        # Shopify's subscriptions are declared in shopify.app.toml and managed by Shopify.
        for shop_id in _active_shops(db, Platform.WOOCOMMERCE):
            register_webhooks(shop_id)

    @huey.periodic_task(crontab(minute="23", hour="3"), name="refresh_all_facts")
    def refresh_all_facts() -> None:
        # Shopify tells us of changes (shop/update); WooCommerce has no such webhook topic, so
        # its stores are asked once a day.
        for shop_id in _active_shops(db, Platform.WOOCOMMERCE):
            refresh_shop_facts(shop_id)

    @huey.periodic_task(crontab(minute="41", hour="4"), name="prune_old_records")
    def prune_old_records() -> dict[str, int]:
        removed = db.run(lambda s: retention.prune(s, policy, datetime.now(UTC)))
        log.info("pruned old records: %s", removed)
        return removed

    @huey.periodic_task(crontab(minute="*/15"), name="reconcile_all")
    def reconcile_all() -> None:
        with db.transaction() as session:
            shop_ids = list(
                session.scalars(select(Shop.id).where(Shop.status == ShopStatus.ACTIVE))
            )
        for shop_id in shop_ids:
            reconcile_shop(shop_id)

    # Daily, though the summary is weekly: one message per shop and week (the outbox key
    # names the week), so a day the worker was down only delays it.
    @huey.periodic_task(crontab(minute="41", hour="6"), name="merchant_summaries")
    def merchant_summaries() -> int:
        return db.run(lambda s: merchant_summary.queue_weekly_summaries(s, datetime.now(UTC)))

    return Tasks(
        apply_delivery=apply_delivery,
        refill_pool=refill_pool,
        retire_codes=retire_codes,
        fulfil_reward=fulfil_reward,
        reconcile_shop=reconcile_shop,
        register_webhooks=register_webhooks,
        refresh_shop_facts=refresh_shop_facts,
        approve_due=approve_due,
        sweep=sweep,
        reconcile_all=reconcile_all,
        check_webhooks=check_webhooks,
        recheck_webhooks=recheck_webhooks,
        refresh_all_facts=refresh_all_facts,
        prune_old_records=prune_old_records,
        merchant_summaries=merchant_summaries,
    )


def _active_shops(db: Database, platform: Platform) -> list[int]:
    with db.transaction() as session:
        return list(
            session.scalars(
                select(Shop.id).where(Shop.status == ShopStatus.ACTIVE, Shop.platform == platform)
            )
        )


def _store_work(work: Any, db: Database, stores: StoreDirectory, shop_id: int) -> int:
    try:
        return int(work(db.sessions, stores, shop_id))
    except StoreError as error:
        if error.retryable:
            raise
        # A permanent refusal is recorded in the log with the shop; the owed rows stay in the
        # database, so the sweep tries again after the merchant fixes the cause.
        log.error("store refused work for shop %s: %s", shop_id, error)
        return 0


def _shops_needing_codes(session: Session) -> list[int]:
    ready = (
        select(FriendOffer.shop_id, func.count(FriendCode.id).label("n"))
        .join(
            FriendCode,
            (FriendCode.offer_id == FriendOffer.id)
            & FriendCode.status.in_([FriendCodeStatus.AVAILABLE, FriendCodeStatus.OWED]),
        )
        .where(FriendOffer.active.is_(True))
        .group_by(FriendOffer.shop_id)
        .subquery()
    )
    rows = session.execute(
        select(Shop.id)
        .outerjoin(ready, ready.c.shop_id == Shop.id)
        .where(
            Shop.status == ShopStatus.ACTIVE,
            func.coalesce(ready.c.n, 0) < friend_pool.LOW_WATER,
        )
    )
    owed = session.scalars(
        select(FriendCode.shop_id)
        .join(Shop, Shop.id == FriendCode.shop_id)
        .where(FriendCode.status == FriendCodeStatus.OWED, Shop.status == ShopStatus.ACTIVE)
        .distinct()
    )
    return sorted({r[0] for r in rows} | set(owed))


def _shops_retiring_codes(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(FriendCode.shop_id)
            .where(FriendCode.status == FriendCodeStatus.RETIRING)
            .distinct()
        )
    )
