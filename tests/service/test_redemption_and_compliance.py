"""Flows 7 to 9: redemption and gifts, compliance and uninstall, reconciliation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from passiton.app.database import Database
from passiton.core.errors import (
    BelowRedemptionMinimum,
    GiftsDisabled,
    IdempotencyConflict,
    InsufficientPoints,
)
from passiton.core.events import (
    AppUninstalled,
    CustomerDataRequested,
    CustomerRedactRequested,
    OrderChanged,
    ShopRedactRequested,
)
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import (
    Customer,
    DataExport,
    LedgerEntry,
    Referral,
    RewardCode,
    RewardCodeStatus,
    RewardKind,
    Shop,
    ShopStatus,
)
from passiton.core.ports import StoreError
from passiton.core.services import friend_pool, reconciliation
from passiton.core.services.approvals import approve_due
from passiton.core.services.dispatch import apply_events
from passiton.core.services.redemption import fulfil, redeem
from passiton.core.services.shops import update_settings
from tests.support.builders import T0, balances, claim, order


def earn_available(db: Database, shop_id: int, anna: Customer, friend: str) -> None:
    """Anna refers `friend`, whose order passes the hold: 1000 points become available."""
    code = claim(db, shop_id, anna, friend).code
    db.run(
        lambda s: apply_events(s, shop_id, [OrderChanged(order(codes=(code,), email=friend))], T0)
    )
    db.run(lambda s: approve_due(s, T0 + timedelta(days=31)))


def ledger_size(db: Database) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEntry)) or 0)


def test_redeem_debits_once_and_creates_a_restricted_code_on_the_store(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int, anna: Customer
) -> None:
    earn_available(any_db, shop_id, anna, "fritz@example.com")
    first = any_db.run(lambda s: redeem(s, shop_id, anna.id, 500, RewardKind.REWARD, "req-1"))
    again = any_db.run(lambda s: redeem(s, shop_id, anna.id, 500, RewardKind.REWARD, "req-1"))
    assert again.code == first.code
    assert again.new is False
    assert balances(any_db, anna.id) == (0, 500)
    assert fulfil(any_db.sessions, stores, first.reward_id)
    assert fulfil(any_db.sessions, stores, first.reward_id)
    created = stores.stores[shop_id].restricted[first.code]
    assert created.customer_email == "anna@example.com"
    assert str(created.amount) == "5.00"


def test_gift_code_is_not_restricted_to_the_referrer(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int, anna: Customer
) -> None:
    earn_available(any_db, shop_id, anna, "fritz@example.com")
    gift = any_db.run(lambda s: redeem(s, shop_id, anna.id, 1000, RewardKind.GIFT, "gift-1"))
    fulfil(any_db.sessions, stores, gift.reward_id)
    created = stores.stores[shop_id].restricted[gift.code]
    assert created.customer_email is None
    assert created.customer_id is None
    assert gift.code.startswith("GF-")


def test_redemption_beyond_the_balance_is_refused_and_changes_nothing(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    earn_available(any_db, shop_id, anna, "fritz@example.com")
    before = ledger_size(any_db)
    with pytest.raises(InsufficientPoints) as caught:
        any_db.run(lambda s: redeem(s, shop_id, anna.id, 1500, RewardKind.REWARD, "too-much"))
    assert caught.value.code == "insufficient_points"
    assert balances(any_db, anna.id) == (0, 1000)
    assert ledger_size(any_db) == before
    with any_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(RewardCode)) == 0


@pytest.mark.parametrize(
    ("points", "kind", "settings", "error"),
    [
        (100, RewardKind.REWARD, {}, BelowRedemptionMinimum),
        (500, RewardKind.GIFT, {"gifts_enabled": False}, GiftsDisabled),
    ],
)
def test_refused_redemptions_change_nothing(
    any_db: Database,
    shop_id: int,
    anna: Customer,
    points: int,
    kind: RewardKind,
    settings: dict[str, object],
    error: type[Exception],
) -> None:
    earn_available(any_db, shop_id, anna, "fritz@example.com")
    with any_db.transaction() as session:
        update_settings(session, shop_id, settings)
    before = ledger_size(any_db)
    with pytest.raises(error):
        any_db.run(lambda s: redeem(s, shop_id, anna.id, points, kind, "k"))
    assert balances(any_db, anna.id) == (0, 1000)
    assert ledger_size(any_db) == before


def test_reusing_a_key_for_another_amount_is_a_conflict(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    earn_available(any_db, shop_id, anna, "fritz@example.com")
    any_db.run(lambda s: redeem(s, shop_id, anna.id, 500, RewardKind.REWARD, "same"))
    with pytest.raises(IdempotencyConflict):
        any_db.run(lambda s: redeem(s, shop_id, anna.id, 600, RewardKind.REWARD, "same"))
    assert balances(any_db, anna.id) == (0, 500)


def test_store_refusing_a_reward_for_good_returns_the_points(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int, anna: Customer
) -> None:
    earn_available(any_db, shop_id, anna, "fritz@example.com")
    reward = any_db.run(lambda s: redeem(s, shop_id, anna.id, 500, RewardKind.REWARD, "r"))
    stores.stores[shop_id].fail_next.append(StoreError("invalid", retryable=False))
    with pytest.raises(StoreError):
        fulfil(any_db.sessions, stores, reward.reward_id)
    with any_db.sessions() as session:
        row = session.get(RewardCode, reward.reward_id)
        assert row is not None
        assert row.status is RewardCodeStatus.FAILED
    assert balances(any_db, anna.id) == (0, 1000)


def test_retryable_store_failure_keeps_the_code_owed(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int, anna: Customer
) -> None:
    earn_available(any_db, shop_id, anna, "fritz@example.com")
    reward = any_db.run(lambda s: redeem(s, shop_id, anna.id, 500, RewardKind.REWARD, "r"))
    stores.stores[shop_id].fail_next.append(StoreError("timeout", retryable=True))
    with pytest.raises(StoreError):
        fulfil(any_db.sessions, stores, reward.reward_id)
    assert balances(any_db, anna.id) == (0, 500)
    assert fulfil(any_db.sessions, stores, reward.reward_id)
    assert reward.code in stores.stores[shop_id].restricted


def test_data_request_exports_everything_about_the_customer(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    earn_available(any_db, shop_id, anna, "fritz@example.com")
    event = CustomerDataRequested(customer_id=anna.platform_customer_id, email=None)
    any_db.run(lambda s: apply_events(s, shop_id, [event], T0))
    with any_db.sessions() as session:
        export = session.scalars(select(DataExport)).one().payload
    [customer] = export["customers"]
    assert customer["email"] == "anna@example.com"
    assert customer["points_available"] == 1000
    assert [e["kind"] for e in customer["ledger"]] == ["earn", "approve"]
    assert customer["referrals"][0]["friend_email"] == "fritz@example.com"


def test_redact_erases_personal_data_and_keeps_amounts(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    earn_available(any_db, shop_id, anna, "fritz@example.com")
    events = [
        CustomerRedactRequested(customer_id=None, email="ANNA@example.com"),
        CustomerRedactRequested(customer_id=None, email="fritz@example.com"),
    ]
    any_db.run(lambda s: apply_events(s, shop_id, events, T0))
    with any_db.sessions() as session:
        customer = session.get(Customer, anna.id)
        assert customer is not None
        assert (customer.email, customer.first_name, customer.redacted_at is not None) == (
            None,
            None,
            True,
        )
        assert customer.points_available == 1000
        referral = session.scalars(select(Referral)).one()
        assert referral.friend_email is None
        assert referral.points_approved == 1000


def test_uninstall_stops_store_calls_and_shop_redact_deletes_everything(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int, anna: Customer
) -> None:
    earn_available(any_db, shop_id, anna, "fritz@example.com")
    reward = any_db.run(lambda s: redeem(s, shop_id, anna.id, 500, RewardKind.REWARD, "r"))
    any_db.run(lambda s: apply_events(s, shop_id, [AppUninstalled()], T0))
    calls = stores.stores[shop_id].calls
    assert not fulfil(any_db.sessions, stores, reward.reward_id)
    assert friend_pool.fill_pool(any_db.sessions, stores, shop_id) == 0
    assert stores.stores[shop_id].calls == calls
    with any_db.sessions() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None
        assert shop.status is ShopStatus.UNINSTALLED
        assert session.scalar(select(func.count()).select_from(Customer)) == 2  # Anna, Fritz
    any_db.run(lambda s: apply_events(s, shop_id, [ShopRedactRequested()], T0))
    with any_db.sessions() as session:
        for model in (Shop, Customer, Referral, LedgerEntry, RewardCode):
            assert session.scalar(select(func.count()).select_from(model)) == 0


def test_reconciliation_restores_a_credit_whose_webhook_was_lost(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int, anna: Customer
) -> None:
    code = claim(any_db, shop_id, anna, "fritz@example.com").code
    installed = datetime.now(UTC)
    stores.stores[shop_id].orders.append(order(codes=(code,), at=installed + timedelta(hours=1)))
    first, second = (installed + timedelta(hours=h) for h in (2, 3))
    seen = reconciliation.reconcile_shop(any_db.sessions, stores, shop_id, first)
    again = reconciliation.reconcile_shop(any_db.sessions, stores, shop_id, second)
    assert (seen, again) == (1, 0)
    assert balances(any_db, anna.id) == (1000, 0)
