"""/woocommerce/plugin/order: the buyer of a paid order enrolled before the order's webhook,
and the webhook joining that record, whatever the order and number of deliveries."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.app.stores import PlatformStores
from passiton.connectors.woocommerce.auth import new_plugin_key, plugin_request_headers
from passiton.core.identity import email_key
from passiton.core.merchants import PluginKey
from passiton.core.models import Customer, OrderRecord, Platform
from passiton.core.services.redactions import remember_redacted
from passiton.core.services.shops import install_shop
from tests.conftest import RuntimeFactory
from tests.woocommerce.captured import SECRET
from tests.woocommerce.store_double import deliver, order_body

GUEST_ORDER = {
    "order_id": 17,
    "status": "processing",
    "customer_id": 0,
    "email": "dan@example.com",
    "first_name": "Dan",
    "locale": "de_DE",
    "created_at": "2026-11-22T18:56:19",
}
"""What the plugin sends for the captured order (webhook_order_created): a guest's."""


@dataclass
class Store:
    runtime: Runtime
    client: FlaskClient
    shop_id: int
    plugin_key: str

    def ask(self, body: dict[str, Any], key: str | None = None) -> Any:
        """The plugin's signed call for an order."""
        raw = json.dumps(body).encode()
        headers = plugin_request_headers(
            key or self.plugin_key, str(self.shop_id), str(int(time.time())), raw
        )
        return self.client.post("/woocommerce/plugin/order", data=raw, headers=headers)

    def webhook(self, topic: str, **changes: Any) -> None:
        response = deliver(self.client, self.shop_id, topic, order_body(**changes), SECRET)
        assert response.status_code == 200

    def customers(self) -> list[tuple[str | None, str | None, str]]:
        with self.runtime.db.sessions() as session:
            rows = session.execute(
                select(Customer.platform_customer_id, Customer.email_key, Customer.referral_code)
            )
            return [(row[0], row[1], row[2]) for row in rows]

    def count(self, model: type[object]) -> int:
        with self.runtime.db.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _store(runtime: Runtime) -> Store:
    plugin_key = new_plugin_key()
    with runtime.db.transaction() as session:
        shop = install_shop(session, platform=Platform.WOOCOMMERCE, domain="https://shop.example")
        shop.webhook_secret = runtime.vault.seal_text(SECRET)
        session.add(PluginKey(shop_id=shop.id, sealed_key=runtime.vault.seal_text(plugin_key)))
        shop_id = shop.id
    return Store(runtime, create_app(runtime=runtime).test_client(), shop_id, plugin_key)


@pytest.fixture
def store(make_runtime: RuntimeFactory, database_url: str) -> Store:
    """A connected store, with its webhook secret and plugin key, and nobody enrolled yet."""
    return _store(make_runtime(database_url, stores=PlatformStores()))


def test_a_guest_buyer_is_enrolled_from_the_order_before_its_webhook(store: Store) -> None:
    answer = store.ask(GUEST_ORDER)

    assert answer.status_code == 200
    data = answer.get_json()
    [(platform_id, key, code)] = store.customers()
    assert (platform_id, key) == (None, "dan@example.com")
    assert data["referral_code"] == code
    assert data["link"] == f"http://passiton.test/r/{code}"
    assert data["friend_offer"] == "15%"
    assert data["program_enabled"] is True
    assert store.count(OrderRecord) == 0  # the order itself is the webhook's to record
    with store.runtime.db.sessions() as session:
        assert session.scalar(select(Customer.locale)) == "de-DE"


def test_the_webhook_after_the_enrolment_joins_it_also_duplicated_and_reordered(
    store: Store,
) -> None:
    code = store.ask(GUEST_ORDER).get_json()["referral_code"]

    store.webhook("order.updated")
    store.webhook("order.created")
    store.webhook("order.updated")

    assert store.customers() == [(None, "dan@example.com", code)]
    assert store.ask(GUEST_ORDER).get_json()["referral_code"] == code


def test_the_enrolment_after_the_webhook_finds_the_webhooks_record(store: Store) -> None:
    store.webhook("order.created")
    [(_, _, code)] = store.customers()

    answer = store.ask(GUEST_ORDER)

    assert answer.get_json()["referral_code"] == code
    assert len(store.customers()) == 1


def test_a_customer_with_an_account_is_joined_by_their_id(store: Store) -> None:
    order = {**GUEST_ORDER, "customer_id": 7, "email": "Dan.Smith@example.com"}
    code = store.ask(order).get_json()["referral_code"]

    # The account's id links them even where the order's e-mail differs from the first one.
    store.webhook("order.created", customer_id=7, billing={"email": "dan@example.com"})

    assert store.customers() == [("7", email_key("Dan.Smith@example.com"), code)]


@pytest.mark.parametrize("status", ["pending", "on-hold", "failed", "refunded", "", None])
def test_an_order_not_paid_enrols_nobody(store: Store, status: str | None) -> None:
    answer = store.ask({**GUEST_ORDER, "status": status})

    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "order_not_paid"
    assert store.customers() == []


@pytest.mark.parametrize(
    "changes",
    [{"order_id": 0}, {"order_id": "17x"}, {"order_id": None}, {"created_at": "yesterday"}],
)
def test_a_malformed_order_is_refused_and_enrols_nobody(
    store: Store, changes: dict[str, Any]
) -> None:
    answer = store.ask({**GUEST_ORDER, **changes})

    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "invalid_order"
    assert store.customers() == []


def test_an_order_naming_nobody_is_refused(store: Store) -> None:
    answer = store.ask({**GUEST_ORDER, "email": "", "customer_id": 0})

    assert answer.status_code == 404
    assert store.customers() == []


def test_a_call_signed_with_another_key_enrols_nobody(store: Store) -> None:
    answer = store.ask(GUEST_ORDER, key=new_plugin_key())

    assert answer.status_code == 401
    assert store.customers() == []


def test_an_order_placed_before_its_buyer_was_erased_brings_nobody_back(store: Store) -> None:
    with store.runtime.db.transaction() as session:
        remember_redacted(session, store.shop_id, [], ["dan@example.com"])

    answer = store.ask(GUEST_ORDER)  # created 2026-11-22, before the erasure (now)

    assert answer.status_code == 404
    assert store.customers() == []


def test_enrolments_racing_the_webhooks_leave_one_record(
    make_runtime: RuntimeFactory, pg_url: str
) -> None:
    store = _store(make_runtime(pg_url, stores=PlatformStores()))
    start = threading.Barrier(6)
    failures: list[BaseException] = []

    def run(job: str) -> None:
        try:
            start.wait(timeout=10)
            if job == "ask":
                assert store.ask(GUEST_ORDER).status_code == 200
            else:
                store.webhook(job)
        except BaseException as error:  # reported below: a thread's assert would be lost
            failures.append(error)

    jobs = ["ask", "order.created", "ask", "order.updated", "ask", "order.updated"]
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    [(platform_id, key, _)] = store.customers()
    assert (platform_id, key) == (None, "dan@example.com")
