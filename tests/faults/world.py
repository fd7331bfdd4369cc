"""A seeded shop's worth of order traffic, its webhook deliveries and the credits it must yield.

The reference model is computed from each order's *final* state only (the newest snapshot and every
refund ever seen), which is what the program promises to converge on whatever the delivery order.
"""

from __future__ import annotations

import itertools
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from passiton.app.database import Database
from passiton.connectors.shopify.webhooks import signature
from passiton.core.events import OrderState, RefundSeen
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.ledger import ledger_sums
from passiton.core.models import Customer, EntryKind, LedgerEntry, Platform, Referral
from passiton.core.program_settings import ProgramSettings
from passiton.core.rewards import points_for_order
from passiton.core.services import friend_pool
from passiton.core.services.claims import claim_friend_code
from passiton.core.services.enrolment import Buyer, enrol
from passiton.core.services.shops import current_settings, install_shop, update_settings

SHOP_DOMAIN = "storm-shop.myshopify.com"
SHOPIFY_SECRET = "fault-shopify-secret-0123456789abcdef"
# The velocity cap makes a conversion's verdict depend on how many of the referrer's other orders
# arrived first; switched off so the reference model needs only each order's final state.
SETTINGS = {"velocity_cap": 0}


@dataclass(frozen=True)
class Delivery:
    """One webhook delivery: a topic and its body; `key` is the platform's delivery id."""

    key: str
    topic: str
    body: dict[str, object]

    def signed(self) -> tuple[bytes, dict[str, str]]:
        raw = json.dumps(self.body).encode()
        return raw, {
            "X-Shopify-Hmac-Sha256": signature(raw, SHOPIFY_SECRET),
            "X-Shopify-Topic": self.topic,
            "X-Shopify-Shop-Domain": SHOP_DOMAIN,
            "X-Shopify-Webhook-Id": self.key,
            "Content-Type": "application/json",
        }


@dataclass
class Order:
    """One order's life: snapshots in time order and the refunds made along the way."""

    referrer_id: int | None
    snapshots: list[OrderState] = field(default_factory=list)
    refunds: list[RefundSeen] = field(default_factory=list)
    refunds_alone: list[RefundSeen] = field(default_factory=list)
    """Refunds also announced by refunds/create (a later snapshot may or may not carry them)."""

    @property
    def final(self) -> OrderState:
        return self.snapshots[-1]


@dataclass
class World:
    shop_id: int
    referrers: list[int]
    orders: list[Order]
    settings: ProgramSettings

    def expected_pending(self) -> dict[int, int]:
        """Pending points per referrer once every order has been seen in its final state."""
        owed: dict[int, int] = {r: 0 for r in self.referrers}
        for order in self.orders:
            if order.referrer_id is not None:
                owed[order.referrer_id] += points(self.settings, order)
        return owed

    def final_states(self) -> list[OrderState]:
        """What the store's order list shows: the final snapshot, with all refunds on it."""
        return [replace(o.final, refunds=tuple(o.refunds)) for o in self.orders]


T = datetime.fromisoformat("2026-11-01T12:00:00+00:00")


def points(settings: ProgramSettings, order: Order) -> int:
    final = order.final
    if not final.paid or final.cancelled:
        return 0
    refunded = sum((r.amount for r in order.refunds), Decimal(0))
    return points_for_order(settings, final.subtotal, final.total, refunded)


def build_world(db: Database, *, referrers: int, friends: int, others: int, seed: int) -> World:
    """Install the shop, enrol referrers, have friends claim codes, and script every order."""
    rng = random.Random(seed)
    stores = FakeStoreDirectory()
    with db.transaction() as session:
        shop_id = install_shop(session, platform=Platform.SHOPIFY, domain=SHOP_DOMAIN).id
        update_settings(session, shop_id, dict(SETTINGS))
        _, settings = current_settings(session, shop_id)
        friend_pool.reserve_codes(session, shop_id, target=friends + 10)
    friend_pool.fill_pool(db.sessions, stores, shop_id)
    ids = itertools.count(7_000_000_000_000_001)  # above 2**53, as Shopify's are
    people: list[tuple[int, str]] = []
    with db.transaction() as session:
        for i in range(referrers):
            customer = enrol(
                session,
                shop_id,
                Buyer(customer_id=str(next(ids)), email=f"referrer{i}@example.com"),
            )
            assert customer is not None
            people.append((customer.id, customer.referral_code))
    orders: list[Order] = []
    for i in range(friends):
        referrer_id, ref_code = people[i % referrers]
        email = f"friend{i}@example.com"
        if i % 5 == 4:
            # Attributed by the referral code in the cart attributes, not by a friend code.
            orders.append(_script(rng, ids, referrer_id, email, ref=ref_code))
            continue
        code = db.run(
            lambda s, c=ref_code, e=email: claim_friend_code(s, shop_id, c, e)  # type: ignore[misc]
        ).code
        orders.append(_script(rng, ids, referrer_id, email, code=code))
    for i in range(others):
        orders.append(_script(rng, ids, None, f"buyer{i}@example.com"))
    return World(shop_id, [p[0] for p in people], orders, settings)


def _script(
    rng: random.Random,
    ids: itertools.count[int],
    referrer_id: int | None,
    email: str,
    *,
    code: str | None = None,
    ref: str | None = None,
) -> Order:
    """One order's history: maybe unpaid first, paid, then refunds or a cancel."""
    total = Decimal(rng.randrange(2_000, 40_000)) / 100
    base = OrderState(
        order_id=str(next(ids)),
        updated_at=T + timedelta(seconds=rng.randrange(0, 86_400)),
        customer_id=str(next(ids)),
        email=email,
        first_name="Fritz",
        currency="USD",
        total=total,
        subtotal=total,
        paid=rng.random() >= 0.15,
        cancelled=False,
        codes=(code,) if code else (),
        ref_code=ref,
    )
    order = Order(referrer_id, [base])
    step = itertools.count(1)

    def then(**changes: object) -> None:
        last = order.snapshots[-1]
        at = last.updated_at + timedelta(minutes=next(step))
        order.snapshots.append(replace(last, updated_at=at, **changes))  # type: ignore[arg-type]

    if not base.paid:
        then(paid=True)
    fate = rng.random()
    if fate < 0.15:
        then(cancelled=True)
    elif fate < 0.45:
        full = fate < 0.25
        parts = [total] if full else _parts(rng, total)
        for amount in parts:
            refund = RefundSeen(str(next(ids)), amount)
            order.refunds.append(refund)
            if rng.random() < 0.7:
                order.refunds_alone.append(refund)
            if rng.random() < 0.7 or refund not in order.refunds_alone:
                then(refunds=tuple(order.refunds))
    return order


def _parts(rng: random.Random, total: Decimal) -> list[Decimal]:
    count = rng.randint(1, 2)
    share = (total * Decimal(rng.randrange(5, 45)) / 100).quantize(Decimal("0.01"))
    return [share] * count


def deliveries(world: World, *, total: int, seed: int) -> list[Delivery]:
    """Every snapshot (under one or more order topics) and refund, duplicated up to `total`."""
    rng = random.Random(seed)
    keys = itertools.count(1)
    unique: list[Delivery] = []
    for order in world.orders:
        for state in order.snapshots:
            topics = ["orders/updated"]
            if rng.random() < 0.4:
                topics.append("orders/paid" if state.paid else "orders/create")
            for topic in topics:
                unique.append(Delivery(f"d-{next(keys)}", topic, shopify_order(state)))
        for refund in order.refunds_alone:
            unique.append(
                Delivery(f"d-{next(keys)}", "refunds/create", shopify_refund(order, refund))
            )
    assert len(unique) <= total, "the world makes more deliveries than asked for"
    copies = [rng.choice(unique) for _ in range(total - len(unique))]
    everything = unique + copies
    rng.shuffle(everything)
    return everything


def shopify_order(state: OrderState) -> dict[str, object]:
    """An orders/* body (REST shape) carrying this state."""
    status = "paid" if state.paid else "pending"
    return {
        "id": int(state.order_id),
        "updated_at": state.updated_at.isoformat(),
        "email": state.email,
        "currency": state.currency,
        "total_price": str(state.total),
        "subtotal_price": str(state.subtotal),
        "financial_status": status,
        "cancelled_at": state.updated_at.isoformat() if state.cancelled else None,
        "customer": {"id": int(state.customer_id or 0), "email": state.email},
        "discount_codes": [
            {"code": c, "amount": "1.00", "type": "percentage"} for c in state.codes
        ],
        "note_attributes": [{"name": "passiton_ref", "value": state.ref_code}]
        if state.ref_code
        else [],
        "refunds": [_refund_body(state.order_id, r) for r in state.refunds],
    }


def shopify_refund(order: Order, refund: RefundSeen) -> dict[str, object]:
    return _refund_body(order.final.order_id, refund)


def _refund_body(order_id: str, refund: RefundSeen) -> dict[str, object]:
    return {
        "id": int(refund.refund_id),
        "order_id": int(order_id),
        "transactions": [{"kind": "refund", "status": "success", "amount": str(refund.amount)}],
    }


def assert_ledger_matches(db: Database, world: World) -> None:
    """Balances equal the reference model and the ledger sums; one earn entry per referral."""
    expected = world.expected_pending()
    with db.sessions() as session:
        actual = {
            c.id: (c.points_pending, c.points_available)
            for c in session.scalars(select(Customer).where(Customer.id.in_(world.referrers)))
        }
        sums = {r: ledger_sums(session, r) for r in world.referrers}
        earn_keys = session.execute(
            select(LedgerEntry.idem_key, func.count())
            .where(LedgerEntry.kind == EntryKind.EARN)
            .group_by(LedgerEntry.idem_key)
        ).all()
        converted = session.scalar(
            select(func.count()).select_from(Referral).where(Referral.entry_seq > 0)
        )
        per_referral = session.execute(
            select(Referral.id, Referral.points_pending, func.sum(LedgerEntry.pending_delta))
            .join(LedgerEntry, LedgerEntry.referral_id == Referral.id)
            .group_by(Referral.id, Referral.points_pending)
        ).all()
    assert {r: p for r, (p, _) in actual.items()} == expected
    assert all(available == 0 for _, available in actual.values())
    assert sums == actual
    assert all(n == 1 for _, n in earn_keys)
    assert len(earn_keys) == converted
    assert all(stored == summed for _, stored, summed in per_referral)
    assert sum(expected.values()) > 0


def outcome_counts(statuses: list[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for status in statuses:
        counts[status] += 1
    return dict(counts)
