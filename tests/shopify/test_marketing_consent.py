"""Shopify's consent facts, translated: the order's checkbox and the consent update topic."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from passiton.app.runtime import Runtime
from passiton.connectors.shopify.payloads import load_object, order_state
from passiton.connectors.shopify.webhooks import TRANSLATORS
from passiton.core.events import MarketingConsent, MarketingConsentChanged
from passiton.core.models import Customer, Platform
from passiton.core.ports import MalformedPayload
from passiton.core.services.shops import install_shop
from tests.shopify.consent_samples import TOPIC, consent_update
from tests.shopify.shopify_data import FIXTURES, SHOP, paid_order, signed_headers


def body_of(data: dict[str, Any]) -> dict[str, Any]:
    return load_object(json.dumps(data).encode())


def test_the_official_order_sample_carries_the_checkout_box_with_the_time_it_was_placed() -> None:
    state = order_state(load_object((FIXTURES / "orders_create.json").read_bytes()))

    assert state.marketing == MarketingConsent(
        True, datetime.fromisoformat("2021-12-31T19:00:00-05:00")
    )


def test_the_box_is_dated_by_creation_not_by_the_latest_edit() -> None:
    edited = paid_order(updated_at="2026-11-20T10:00:00-05:00") | {
        "buyer_accepts_marketing": False,
        "created_at": "2026-11-01T09:00:00-05:00",
    }

    assert order_state(body_of(edited)).marketing == MarketingConsent(
        False, datetime.fromisoformat("2026-11-01T09:00:00-05:00")
    )


@pytest.mark.parametrize("raw", [None, "true", 1, []])
def test_an_order_without_a_usable_box_says_nothing_about_consent(raw: object) -> None:
    state = order_state(body_of(paid_order() | {"buyer_accepts_marketing": raw}))

    assert state.marketing is None


def test_an_unreadable_creation_time_leaves_the_box_undated() -> None:
    state = order_state(body_of(paid_order() | {"created_at": "yesterday"}))

    assert state.marketing is not None
    assert state.marketing.at is None


def test_an_unsubscribe_becomes_a_dated_withdrawal_for_that_customer() -> None:
    [event] = TRANSLATORS[TOPIC](body_of(consent_update()))

    assert event == MarketingConsentChanged(
        customer_id="706405506930370084",
        email="bob@biller.com",
        consent=MarketingConsent(False, datetime.fromisoformat("2026-11-02T09:30:00-05:00")),
    )


@pytest.mark.parametrize(
    ("state", "accepts"),
    [
        ("subscribed", True),
        ("SUBSCRIBED", True),
        ("pending", False),
        ("not_subscribed", False),
        ("unsubscribed", False),
        ("redacted", False),
        ("invalid", False),
    ],
)
def test_only_the_subscribed_state_is_consent(state: str, accepts: bool) -> None:
    [event] = TRANSLATORS[TOPIC](body_of(consent_update(state=state)))

    assert isinstance(event, MarketingConsentChanged)
    assert event.consent.accepts is accepts


def test_a_body_without_a_time_or_an_address_still_names_the_customer() -> None:
    # The reference example itself has consent_updated_at and email_address null.
    [event] = TRANSLATORS[TOPIC](body_of(consent_update(email=None, updated_at=None)))

    assert event == MarketingConsentChanged(
        customer_id="706405506930370084", email=None, consent=MarketingConsent(False, None)
    )


@pytest.mark.parametrize(
    "broken",
    [
        {"customer_id": 1},
        consent_update(state="maybe"),
        consent_update() | {"email_marketing_consent": "subscribed"},
        consent_update() | {"customer_id": "not-an-id"},
    ],
)
def test_a_body_without_a_usable_state_or_id_is_malformed(broken: dict[str, Any]) -> None:
    with pytest.raises(MalformedPayload):
        TRANSLATORS[TOPIC](body_of(broken))


@pytest.fixture
def shop_id(shopify_runtime: Runtime) -> int:
    def install(session: Any) -> int:
        shop = install_shop(session, platform=Platform.SHOPIFY, domain=SHOP)
        shop.credentials = b"sealed"
        return shop.id

    return shopify_runtime.db.run(install)


def post(web: FlaskClient, payload: dict[str, Any], topic: str, delivery: str) -> int:
    body = json.dumps(payload).encode()
    headers = signed_headers(body, topic, delivery=delivery)
    return web.post("/webhooks/shopify", data=body, headers=headers).status_code


def held(runtime: Runtime, shop_id: int) -> list[tuple[bool | None, datetime | None]]:
    with runtime.db.sessions() as session:
        rows = session.execute(
            select(Customer.accepts_marketing, Customer.marketing_consent_at).where(
                Customer.shop_id == shop_id
            )
        ).all()
    return [(accepts, at) for accepts, at in rows]


def test_an_unsubscribe_on_shopify_withdraws_the_consent_the_order_gave(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    order = paid_order(customer_id=706405506930370084) | {
        "buyer_accepts_marketing": True,
        "created_at": "2026-11-01T09:00:00-05:00",
    }
    assert post(web, order, "orders/paid", "d-order") == 200
    assert held(shopify_runtime, shop_id) == [
        (True, datetime.fromisoformat("2026-11-01T14:00:00+00:00"))
    ]

    assert post(web, consent_update(), TOPIC, "d-consent") == 200
    # The order again (orders/updated after a fulfilment): it grants nothing back.
    assert post(web, order, "orders/updated", "d-order-again") == 200

    assert held(shopify_runtime, shop_id) == [
        (False, datetime.fromisoformat("2026-11-02T14:30:00+00:00"))
    ]


def test_a_consent_update_without_a_state_gets_400_and_changes_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    assert post(web, {"customer_id": 706405506930370084}, TOPIC, "d-broken") == 400

    assert held(shopify_runtime, shop_id) == []
