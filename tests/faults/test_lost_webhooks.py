"""Lost webhooks: one delivery in ten never arrives; reconciliation restores every credit."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from passiton.app.database import Database
from passiton.connectors.shopify.webhooks import TRANSLATORS
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import Customer, Shop
from passiton.core.ports import StoreShop
from passiton.core.services.dispatch import apply_events
from passiton.core.services.reconciliation import reconcile_shop
from passiton.core.services.shops import store_shop
from tests.faults.world import Delivery, T, World, assert_ledger_matches, build_world, deliveries

DROPPED = 0.10


def test_reconciliation_restores_every_credit_lost_with_dropped_webhooks(pg_db: Database) -> None:
    world = build_world(pg_db, referrers=10, friends=100, others=60, seed=23)
    sent = deliveries(world, total=600, seed=29)
    unique = list({d.key: d for d in sent}.values())
    rng = random.Random(31)
    dropped = set(rng.sample(range(len(unique)), round(len(unique) * DROPPED)))
    for i, delivery in enumerate(unique):
        if i not in dropped:
            _deliver(pg_db, world, delivery)
    assert world.expected_pending() != _pending(pg_db, world)  # the loss is visible

    with pg_db.transaction() as session:
        shop = session.get(Shop, world.shop_id)
        assert shop is not None
        shop.installed_at = T - timedelta(days=1)  # installed before the first of these orders
        target = store_shop(shop)
    stores = FakeStoreDirectory()
    stores.store_for(target).orders.extend(world.final_states())
    seen = reconcile_shop(pg_db.sessions, stores, world.shop_id, datetime.now(UTC))

    assert seen == len(world.orders)
    assert_ledger_matches(pg_db, world)
    assert _reconciled_until(pg_db, target) is not None


def _deliver(db: Database, world: World, delivery: Delivery) -> None:
    events = TRANSLATORS[delivery.topic](dict(delivery.body))
    db.run(lambda s: apply_events(s, world.shop_id, events, datetime.now(UTC)))


def _pending(db: Database, world: World) -> dict[int, int]:
    with db.sessions() as session:
        return {r: session.get_one(Customer, r).points_pending for r in world.referrers}


def _reconciled_until(db: Database, target: StoreShop) -> datetime | None:
    with db.sessions() as session:
        return session.get_one(Shop, target.shop_id).reconciled_until
