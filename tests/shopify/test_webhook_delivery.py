"""Shopify deliveries through `POST /webhooks/shopify`, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from passiton.app.factory import create_app
from passiton.app.platforms.shopify import DatabaseShopLookup
from passiton.app.runtime import Runtime
from passiton.core.models import (
    Customer,
    OrderRecord,
    Platform,
    Referral,
    ReferralStatus,
    Shop,
    ShopStatus,
    WebhookDelivery,
)
from passiton.core.services import friend_pool
from passiton.core.services.claims import claim_friend_code
from passiton.core.services.enrolment import Buyer, enrol
from passiton.core.services.shops import install_shop
from tests.conftest import RuntimeFactory
from tests.shopify.shopify_data import SECRET, SHOP, fixture, paid_order, signed_headers


@pytest.fixture
def shop_id(shopify_runtime: Runtime) -> int:
    def install(session: Any) -> int:
        shop = install_shop(session, platform=Platform.SHOPIFY, domain=SHOP)
        shop.credentials = b"sealed"
        return shop.id

    return shopify_runtime.db.run(install)


def post(
    web: FlaskClient, payload: dict[str, Any], topic: str, **header_options: Any
) -> tuple[int, Any]:
    body = json.dumps(payload).encode()
    response = web.post(
        "/webhooks/shopify", data=body, headers=signed_headers(body, topic, **header_options)
    )
    return response.status_code, response.get_json()


def count(runtime: Runtime, model: type[Any]) -> int:
    with runtime.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_paid_order_enrols_the_buyer_as_referrer(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    status, answer = post(web, paid_order(email="bob@example.com"), "orders/paid")

    assert (status, answer["status"]) == (200, "accepted")
    with shopify_runtime.db.sessions() as session:
        buyer = session.scalars(select(Customer).where(Customer.shop_id == shop_id)).one()
    assert buyer.platform_customer_id == "115310627314723954"
    assert buyer.referral_code


def test_friend_order_with_claimed_code_credits_the_referrer_pending_points(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    db = shopify_runtime.db
    referrer_code = db.run(
        lambda s: enrol(s, shop_id, Buyer("1001", "anna@example.com", "Anna")).referral_code  # type: ignore[union-attr]
    )
    friend_pool.fill_pool(db.sessions, shopify_runtime.stores, shop_id)
    claim = db.run(lambda s: claim_friend_code(s, shop_id, referrer_code, "friend@example.com"))

    status, _ = post(web, paid_order(codes=(claim.code.lower(),)), "orders/paid")

    assert status == 200
    with db.sessions() as session:
        referral = session.get(Referral, claim.referral_id)
        assert referral is not None
        assert referral.status is ReferralStatus.PENDING
        assert referral.order_id == "820982911946154508"
        referrer = session.scalars(
            select(Customer).where(Customer.platform_customer_id == "1001")
        ).one()
        assert referrer.points_pending == referral.points_pending > 0


SHOP_UPDATE = {
    "id": 690933842,
    "name": "Atelier Anna",
    "email": "owner@atelier-anna.example",
    "customer_email": "hallo@atelier-anna.example",
    "domain": "atelier-anna.example",
    "myshopify_domain": SHOP,
    "currency": "EUR",
    "primary_locale": "de",
    "iana_timezone": "Europe/Berlin",
    "timezone": "(GMT+01:00) Europe/Berlin",
    "money_format": "{{amount_with_comma_separator}} €",
}


def test_shop_update_applies_the_name_currency_language_and_time_zone(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    status, _ = post(web, SHOP_UPDATE, "shop/update")

    assert status == 200
    with shopify_runtime.db.sessions() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None
        facts = (shop.name, shop.currency, shop.locale, shop.timezone, shop.contact_email)
    assert facts == ("Atelier Anna", "EUR", "de", "Europe/Berlin", "hallo@atelier-anna.example")


def test_bad_signature_is_refused_and_changes_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    status, answer = post(web, paid_order(), "orders/paid", secret="not-the-secret")

    assert status == 401
    assert answer["error"]["code"] == "bad_signature"
    assert count(shopify_runtime, WebhookDelivery) == 0
    assert count(shopify_runtime, Customer) == 0


def test_missing_webhook_id_is_refused_and_changes_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    body = json.dumps(paid_order()).encode()
    headers = signed_headers(body, "orders/paid")
    del headers["x-shopify-webhook-id"]

    response = web.post("/webhooks/shopify", data=body, headers=headers)

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "missing_header"
    assert count(shopify_runtime, WebhookDelivery) == 0


def test_previous_secret_is_accepted_during_rotation(
    make_runtime: RuntimeFactory, database_url: str
) -> None:
    runtime = make_runtime(
        database_url, shopify_api_secret="new-secret", shopify_api_secret_previous=SECRET
    )
    runtime.db.run(lambda s: install_shop(s, platform=Platform.SHOPIFY, domain=SHOP).id)

    status, answer = post(create_app(runtime=runtime).test_client(), paid_order(), "orders/paid")

    assert (status, answer["status"]) == (200, "accepted")


def test_redelivery_changes_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    post(web, paid_order(), "orders/paid", delivery="same")

    status, answer = post(
        web, paid_order(email="changed@example.com"), "orders/paid", delivery="same"
    )

    assert (status, answer["status"]) == (200, "duplicate")
    assert count(shopify_runtime, WebhookDelivery) == 1
    with shopify_runtime.db.sessions() as session:
        assert session.scalars(select(Customer.email)).one() == "friend@example.com"


def test_unknown_topic_is_acknowledged_and_ignored(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    status, answer = post(web, {"id": 1}, "products/update")

    assert (status, answer["status"]) == (200, "ignored")
    assert count(shopify_runtime, Customer) == 0


def test_delivery_for_a_shop_we_do_not_know_is_ignored(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    status, answer = post(web, paid_order(), "orders/paid", shop="stranger.myshopify.com")

    assert (status, answer["status"]) == (200, "ignored")
    assert count(shopify_runtime, WebhookDelivery) == 0
    assert count(shopify_runtime, Customer) == 0


def test_signed_but_unreadable_order_gets_400_and_changes_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    order = paid_order()
    order["id"] = 8.2e17

    status, answer = post(web, order, "orders/paid")

    assert status == 400
    assert answer["error"]["code"] == "malformed_payload"
    assert count(shopify_runtime, WebhookDelivery) == 0
    assert count(shopify_runtime, OrderRecord) == 0


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b"\x00\xff"])
def test_garbage_bodies_never_get_a_500(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, body: bytes
) -> None:
    response = web.post("/webhooks/shopify", data=body, headers=signed_headers(body, "orders/paid"))

    assert response.status_code == 400
    assert count(shopify_runtime, WebhookDelivery) == 0


def test_refund_arriving_before_its_order_is_kept(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    status, _ = post(web, fixture("refunds_create.json"), "refunds/create")

    assert status == 200
    with shopify_runtime.db.sessions() as session:
        record = session.scalars(select(OrderRecord)).one()
    assert (record.order_id, record.known) == ("820982911946154508", False)


def test_app_uninstalled_stops_store_calls_but_keeps_data(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    post(web, paid_order(), "orders/paid", delivery="order")

    status, _ = post(web, fixture("app_uninstalled.json"), "app/uninstalled", delivery="bye")

    assert status == 200
    with shopify_runtime.db.sessions() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None
        assert shop.status is ShopStatus.UNINSTALLED
        assert shop.credentials is None
    assert count(shopify_runtime, Customer) == 1


def test_customer_redact_erases_personal_data(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    post(web, paid_order(customer_id=191167, email="john@example.com"), "orders/paid")

    status, _ = post(web, fixture("customers_redact.json"), "customers/redact", delivery="redact")

    assert status == 200
    with shopify_runtime.db.sessions() as session:
        customer = session.scalars(select(Customer)).one()
    assert customer.email is None
    assert customer.redacted_at is not None


def test_shop_redact_after_uninstall_deletes_the_shop(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    post(web, paid_order(), "orders/paid", delivery="order")
    post(web, fixture("app_uninstalled.json"), "app/uninstalled", delivery="bye")

    status, _ = post(web, fixture("shop_redact.json"), "shop/redact", delivery="redact")

    assert status == 200
    assert count(shopify_runtime, Shop) == 0
    assert count(shopify_runtime, Customer) == 0


def test_a_shop_reinstalled_after_redaction_gets_its_deliveries(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    post(web, paid_order(order_id=1), "orders/paid", delivery="first")  # the shop is remembered
    post(web, fixture("app_uninstalled.json"), "app/uninstalled", delivery="bye")
    post(web, fixture("shop_redact.json"), "shop/redact", delivery="redact")
    assert count(shopify_runtime, Shop) == 0
    # Another shop first, so that even SQLite (which reuses freed ids) gives a new id.
    for domain in ("other-shop.myshopify.com", SHOP):
        again = shopify_runtime.db.run(
            lambda s, d=domain: install_shop(s, platform=Platform.SHOPIFY, domain=d).id  # type: ignore[misc]
        )
    assert again != shop_id

    status, answer = post(web, paid_order(order_id=2), "orders/paid", delivery="after")

    assert (status, answer["status"]) == (200, "accepted")
    with shopify_runtime.db.sessions() as session:
        assert session.scalars(select(WebhookDelivery.shop_id)).all() == [again]
        assert session.scalars(select(Customer.shop_id)).all() == [again]


def test_a_found_shop_is_remembered_until_forgotten_on_postgresql(
    shopify_runtime: Runtime, shop_id: int
) -> None:
    lookup = DatabaseShopLookup(shopify_runtime.db)
    statements: list[str] = []

    def seen(*args: Any) -> None:
        if args[2].startswith("SELECT"):
            statements.append(args[2])

    remembers = shopify_runtime.db.engine.dialect.name == "postgresql"
    event.listen(shopify_runtime.db.engine, "before_cursor_execute", seen)
    try:
        assert lookup.shop_id_for_domain("stranger.myshopify.com") is None
        assert lookup.shop_id_for_domain("stranger.myshopify.com") is None
        assert len(statements) == 2  # an unknown shop is asked for every time
        assert lookup.shop_id_for_domain(SHOP) == shop_id
        assert lookup.shop_id_for_domain(SHOP) == shop_id
        # SQLite reuses a deleted shop's id, so there the shop is asked for every time too.
        assert len(statements) == (3 if remembers else 4)
        lookup.forget()
        assert lookup.shop_id_for_domain(SHOP) == shop_id
        assert len(statements) == (4 if remembers else 5)
    finally:
        event.remove(shopify_runtime.db.engine, "before_cursor_execute", seen)
