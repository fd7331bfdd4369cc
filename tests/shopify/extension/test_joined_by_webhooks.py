"""The buyer enrolled from the thank-you page is the referrer the order's webhooks find later:
one record, whatever order, however often and in whichever sequence the deliveries come."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from passiton.app.runtime import Runtime
from passiton.core.models import Customer
from tests.shopify.admin_api import FakeAdminApi
from tests.shopify.extension.conftest import (
    CUSTOMER_ID,
    ORDER_ID,
    ask,
    checkout_token,
    order_node,
    rows,
)
from tests.shopify.shopify_data import paid_order, signed_headers


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """SQLite and a real PostgreSQL: the join relies on the customers' unique constraints."""
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


def deliver(web: FlaskClient, topic: str, delivery: str) -> None:
    order = paid_order(order_id=int(ORDER_ID), customer_id=int(CUSTOMER_ID))
    body = json.dumps(order).encode()
    response = web.post(
        "/webhooks/shopify", data=body, headers=signed_headers(body, topic, delivery=delivery)
    )
    assert response.status_code == 200


def referrers(runtime: Runtime) -> list[tuple[str | None, str | None, str]]:
    with runtime.db.sessions() as session:
        return [
            (c.platform_customer_id, c.email_key, c.referral_code)
            for c in session.scalars(select(Customer))
        ]


@pytest.mark.parametrize(
    "deliveries",
    [
        pytest.param([("orders/paid", "d1")], id="paid"),
        pytest.param([("orders/paid", "d1"), ("orders/paid", "d1")], id="duplicated"),
        pytest.param([("orders/paid", "d1"), ("orders/paid", "d2")], id="redelivered"),
        pytest.param(
            [("orders/updated", "d3"), ("orders/create", "d2"), ("orders/paid", "d1")],
            id="reordered",
        ),
    ],
)
def test_thank_you_enrolment_is_the_referrer_the_webhooks_find(
    web: FlaskClient,
    shopify_runtime: Runtime,
    shop_id: int,
    admin: FakeAdminApi,
    deliveries: list[tuple[str, str]],
) -> None:
    admin.answer("OrderById", {"order": order_node()})
    status, answer, _ = ask(web, checkout_token())
    assert status == 200
    ledger_before = rows(shopify_runtime)["LedgerEntry"]

    for topic, delivery in deliveries:
        deliver(web, topic, delivery)

    assert referrers(shopify_runtime) == [
        (CUSTOMER_ID, "friend@example.com", answer["referral_code"])
    ]
    assert rows(shopify_runtime)["LedgerEntry"] == ledger_before == 0


def test_webhook_first_then_thank_you_page_answers_the_same_link(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, admin: FakeAdminApi
) -> None:
    deliver(web, "orders/paid", "d1")
    [(_, _, code)] = referrers(shopify_runtime)
    admin.answer("OrderById", {"order": order_node()})

    status, answer, _ = ask(web, checkout_token())

    assert (status, answer["referral_code"]) == (200, code)
    assert len(referrers(shopify_runtime)) == 1


def test_guest_enrolled_by_email_is_joined_by_the_customer_id_the_webhook_brings(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, admin: FakeAdminApi
) -> None:
    # Without read access to the customer the Admin API may name only the order's e-mail.
    admin.answer("OrderById", {"order": order_node(customer_id=None)})
    _, answer, _ = ask(web, checkout_token())

    deliver(web, "orders/paid", "d1")
    deliver(web, "orders/paid", "d2")

    assert referrers(shopify_runtime) == [
        (CUSTOMER_ID, "friend@example.com", answer["referral_code"])
    ]
