"""Deliveries through HTTP into the program: ledger results, dedupe, refusals."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.app.stores import PlatformStores
from passiton.core.models import (
    Customer,
    FriendCode,
    FriendCodeStatus,
    LedgerEntry,
    OrderRecord,
    Platform,
    Referral,
    ReferralStatus,
    WebhookDelivery,
)
from passiton.core.services.shops import current_offer, install_shop
from tests.conftest import RuntimeFactory
from tests.woocommerce.captured import SECRET, captured, ping
from tests.woocommerce.store_double import deliver, order_body


@dataclass
class Store:
    runtime: Runtime
    client: FlaskClient
    shop_id: int
    other_shop_id: int

    def post(self, name: str, shop_id: int | None = None, topic: str | None = None) -> int:
        delivery = captured(name)
        headers = dict(delivery.headers)
        if topic is not None:
            headers["X-WC-Webhook-Topic"] = topic
        response = self.client.post(
            f"/webhooks/woocommerce/{shop_id or self.shop_id}",
            data=delivery.body,
            headers=headers,
        )
        return response.status_code

    def referral(self) -> Referral:
        with self.runtime.db.sessions() as session:
            referral: Referral | None = session.scalar(select(Referral))
            assert referral is not None
            return referral

    def ledger(self) -> list[int]:
        with self.runtime.db.sessions() as session:
            return list(session.scalars(select(LedgerEntry.pending_delta).order_by(LedgerEntry.id)))

    def count(self, model: type[object]) -> int:
        with self.runtime.db.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def store(make_runtime: RuntimeFactory, database_url: str) -> Store:
    """A connected store whose secret signed the captured deliveries, and carol's referral of dan
    holding the friend code `ref-carol-15` that the captured order used."""
    runtime = make_runtime(database_url, stores=PlatformStores())
    with runtime.db.transaction() as session:
        shop = install_shop(session, platform=Platform.WOOCOMMERCE, domain="http://127.0.0.1:8088")
        shop.webhook_secret = runtime.vault.seal_text(SECRET)
        other = install_shop(session, platform=Platform.WOOCOMMERCE, domain="https://other.example")
        other.webhook_secret = runtime.vault.seal_text("other-store-secret")
        carol = Customer(
            shop_id=shop.id,
            platform_customer_id="5",
            email="carol@example.com",
            email_key="carol@example.com",
            first_name="Carol",
            referral_code="CAROL-7K2Q",
        )
        code = FriendCode(
            shop_id=shop.id,
            offer_id=current_offer(session, shop.id).id,
            code="REF-CAROL-15",
            status=FriendCodeStatus.ASSIGNED,
        )
        session.add_all([carol, code])
        session.flush()
        session.add(
            Referral(
                shop_id=shop.id,
                referrer_id=carol.id,
                settings_version=1,
                friend_email="dan@example.com",
                friend_email_key="dan@example.com",
                friend_code_id=code.id,
            )
        )
        ids = (shop.id, other.id)
    return Store(runtime, create_app(runtime=runtime).test_client(), *ids)


def test_the_ping_gets_200_and_changes_nothing(store: Store) -> None:
    delivery = ping()
    response = store.client.post(
        f"/webhooks/woocommerce/{store.shop_id}", data=delivery.body, headers=delivery.headers
    )
    assert response.status_code == 200
    assert store.count(WebhookDelivery) == 0


def test_a_paid_order_with_the_friend_code_credits_the_referrer(store: Store) -> None:
    assert store.post("webhook_order_created") == 200
    assert store.referral().status is ReferralStatus.PENDING
    assert store.ledger() == [1000]


def test_created_and_updated_for_the_same_state_credit_once(store: Store) -> None:
    assert store.post("webhook_order_created") == 200
    assert store.post("webhook_order_created", topic="order.updated") == 200
    assert store.ledger() == [1000]
    assert store.count(WebhookDelivery) == 1


def test_partial_then_full_refund_reduces_then_reverses_the_credit(store: Store) -> None:
    store.post("webhook_order_created")
    store.post("webhook_order_updated_partial_refund")
    assert store.referral().points_pending == 857  # 30 of 35 kept
    store.post("webhook_order_updated_full_refund")
    assert store.ledger() == [1000, -143, -857]
    assert store.referral().status is ReferralStatus.REVERSED


def test_order_created_arriving_already_refunded_never_credits(store: Store) -> None:
    # WooCommerce builds bodies when it sends them: a coalesced order.created can carry a
    # state that is already fully refunded.
    assert store.post("webhook_order_updated_full_refund", topic="order.created") == 200
    assert store.ledger() == []
    assert store.referral().status is ReferralStatus.OFFERED


def test_trashing_the_order_reverses_the_credit(store: Store) -> None:
    store.post("webhook_order_created")
    response = deliver(store.client, store.shop_id, "order.deleted", b'{"id":17}', SECRET)
    assert response.status_code == 200
    assert store.ledger() == [1000, -1000]
    assert store.referral().status is ReferralStatus.REVERSED


def test_a_trashed_order_in_an_update_reverses_the_credit(store: Store) -> None:
    store.post("webhook_order_created")
    trashed = order_body(status="trash", date_modified_gmt="2026-11-22T19:00:00")
    assert deliver(store.client, store.shop_id, "order.updated", trashed, SECRET).status_code == 200
    assert store.ledger() == [1000, -1000]


def test_an_order_a_currency_plugin_placed_in_yen_waits_for_review(store: Store) -> None:
    # A multi-currency plugin sets the order's `currency` to the buyer's, not the store's (USD).
    in_yen = order_body(currency="JPY", total="5000", currency_symbol="\u00a5")
    assert deliver(store.client, store.shop_id, "order.created", in_yen, SECRET).status_code == 200
    referral = store.referral()
    assert (referral.status, referral.review_reason) == (ReferralStatus.REVIEW, "foreign_currency")
    assert store.ledger() == []


def test_another_stores_signature_is_refused_and_nothing_written(store: Store) -> None:
    assert store.post("webhook_order_created", shop_id=store.other_shop_id) == 401
    assert store.count(WebhookDelivery) == 0
    assert store.count(OrderRecord) == 0
    assert store.ledger() == []


@pytest.mark.parametrize("hint", ["999999", "abc"])
def test_deliveries_for_unknown_shops_are_refused(store: Store, hint: str) -> None:
    response = store.client.post(
        f"/webhooks/woocommerce/{hint}",
        data=captured("webhook_order_created").body,
        headers=captured("webhook_order_created").headers,
    )
    assert response.status_code == 401
    assert store.count(WebhookDelivery) == 0


def test_a_malformed_signed_body_gets_400_and_changes_nothing(store: Store) -> None:
    bad = order_body(total="lots")
    response = deliver(store.client, store.shop_id, "order.updated", bad, SECRET)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_payload"
    assert store.count(WebhookDelivery) == 0
    assert store.count(OrderRecord) == 0


def test_ignored_topics_get_200_and_change_nothing_but_the_dedupe_row(store: Store) -> None:
    assert store.post("webhook_coupon_created") == 200
    assert store.post("webhook_action_order_status_completed") == 200
    assert store.count(OrderRecord) == 0
    assert store.ledger() == []


def test_customer_created_enrols_the_customer(store: Store) -> None:
    body = {"id": 42, "email": "erin@example.com", "first_name": "Erin"}
    response = deliver(store.client, store.shop_id, "customer.created", body, SECRET)
    assert response.status_code == 200
    with store.runtime.db.sessions() as session:
        erin = session.scalar(select(Customer).where(Customer.platform_customer_id == "42"))
        assert erin is not None
        assert erin.email == "erin@example.com"
