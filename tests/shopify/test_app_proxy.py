"""The storefront widget behind Shopify's app proxy: `/proxy/widget.json`, `/redeem`, `/gift`."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.core import ledger
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import (
    Customer,
    EntryKind,
    LedgerEntry,
    Platform,
    Referral,
    RewardCode,
    RewardCodeStatus,
)
from passiton.core.services.enrolment import Buyer, enrol
from passiton.core.services.shops import install_shop, update_settings
from tests.conftest import RuntimeFactory
from tests.shopify.app_requests import proxy_query, row_count
from tests.shopify.shopify_data import SHOP

OTHER_SHOP = "bert-boots.myshopify.com"
ANNA = "7001"
BEN = "7002"


@pytest.fixture
def stores() -> FakeStoreDirectory:
    return FakeStoreDirectory()


@pytest.fixture
def shopify_runtime(
    make_runtime: RuntimeFactory, sqlite_url: str, stores: FakeStoreDirectory
) -> Runtime:
    return make_runtime(sqlite_url, stores=stores)


@pytest.fixture
def web(shopify_runtime: Runtime) -> FlaskClient:
    return create_app(runtime=shopify_runtime).test_client()


@pytest.fixture
def shop_id(shopify_runtime: Runtime) -> int:
    return shopify_runtime.db.run(
        lambda s: install_shop(s, platform=Platform.SHOPIFY, domain=SHOP).id
    )


def give_points(runtime: Runtime, shop_id: int, customer: str, points: int) -> int:
    def work(session: Session) -> int:
        found = enrol(session, shop_id, Buyer(customer_id=customer, email=None))
        assert found is not None
        ledger.post(
            session,
            shop_id=shop_id,
            customer_id=found.id,
            kind=EntryKind.ADJUST,
            key=f"test-grant:{customer}",
            available=points,
        )
        return found.id

    return runtime.db.run(work)


def balance(runtime: Runtime, customer_id: int) -> int:
    with runtime.db.sessions() as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        return customer.points_available


def widget(web: FlaskClient, query: str) -> tuple[int, Any]:
    response = web.get(f"/proxy/widget.json?{query}")
    return response.status_code, response.get_json()


def spend(web: FlaskClient, body: Any, *, kind: str = "redeem", query: str = "") -> tuple[int, Any]:
    response = web.post(f"/proxy/{kind}?{query or proxy_query()}", json=body)
    return response.status_code, response.get_json()


def test_widget_enrols_the_customer_and_shows_link_points_and_rules(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    status, body = widget(web, proxy_query(customer=ANNA))

    assert status == 200
    code = body["referral_code"]
    assert body["referral_link"] == f"http://passiton.test/r/{code}"
    assert body["points"] == {"pending": 0, "available": 0, "available_value": "0.00"}
    assert (body["referrals"], body["rewards"]) == ([], [])
    assert body["program"]["min_redemption_points"] == 500
    assert body["program"]["value_per_point"] == "0.01"
    assert body["program"]["gifts_enabled"] is True
    # A second visit finds the same account.
    assert widget(web, proxy_query(customer=ANNA))[1]["referral_code"] == code
    assert row_count(shopify_runtime, Customer) == 1


def test_widget_shows_only_the_logged_in_customers_data(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    give_points(shopify_runtime, shop_id, ANNA, 1500)
    assert (
        spend(web, {"points": 600, "idempotency_key": "k1"}, query=proxy_query(customer=ANNA))[0]
        == 200
    )

    ben = widget(web, proxy_query(customer=BEN))[1]
    anna = widget(web, proxy_query(customer=ANNA))[1]

    assert (ben["points"]["available"], ben["rewards"]) == (0, [])
    assert anna["points"]["available"] == 900
    assert [r["points"] for r in anna["rewards"]] == [600]


def test_the_same_customer_id_in_another_shop_is_another_account(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    shopify_runtime.db.run(
        lambda s: install_shop(s, platform=Platform.SHOPIFY, domain=OTHER_SHOP).id
    )
    give_points(shopify_runtime, shop_id, ANNA, 1500)

    status, body = widget(web, proxy_query(OTHER_SHOP, customer=ANNA))

    assert (status, body["points"]["available"]) == (200, 0)


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        (lambda: proxy_query(secret="forged-secret"), 401, "invalid_signature"),
        (lambda: proxy_query(age=300), 401, "invalid_signature"),
        (lambda: proxy_query().replace("7001", "7002"), 401, "invalid_signature"),
        (lambda: proxy_query(customer=None), 401, "not_logged_in"),
        (lambda: proxy_query("carl-coats.myshopify.com"), 404, "unknown_shop"),
        (lambda: "", 401, "invalid_signature"),
    ],
    ids=["forged", "old", "other-customer", "guest", "unknown-shop", "unsigned"],
)
def test_unverified_widget_requests_are_refused_and_write_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, query: Any, status: int, code: str
) -> None:
    answer = widget(web, query())

    assert (answer[0], answer[1]["error"]["code"]) == (status, code)
    assert row_count(shopify_runtime, Customer) == 0


def test_redeem_debits_once_and_creates_the_code_on_the_store(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, stores: FakeStoreDirectory
) -> None:
    anna = give_points(shopify_runtime, shop_id, ANNA, 1500)

    first = spend(web, {"points": 1000, "idempotency_key": "click-1"})
    retry = spend(web, {"points": 1000, "idempotency_key": "click-1"})

    assert first[0] == retry[0] == 200
    assert first[1]["reward"]["code"] == retry[1]["reward"]["code"]
    assert first[1]["reward"]["amount"] == "10.00"
    assert first[1]["reward"]["status"] == RewardCodeStatus.CREATED.value
    assert retry[1]["points_available"] == 500
    assert balance(shopify_runtime, anna) == 500
    assert row_count(shopify_runtime, RewardCode) == 1
    restricted = stores.stores[shop_id].restricted[first[1]["reward"]["code"].upper()]
    assert restricted.customer_id == ANNA


def test_gift_creates_an_unrestricted_code(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, stores: FakeStoreDirectory
) -> None:
    give_points(shopify_runtime, shop_id, ANNA, 1500)

    status, body = spend(web, {"points": 500, "idempotency_key": "g1"}, kind="gift")

    assert (status, body["reward"]["kind"], body["points_available"]) == (200, "gift", 1000)
    assert stores.stores[shop_id].restricted[body["reward"]["code"].upper()].customer_id is None


@pytest.mark.parametrize(
    ("kind", "body", "status", "code"),
    [
        ("redeem", {"points": 100, "idempotency_key": "a"}, 422, "below_redemption_minimum"),
        ("redeem", {"points": 5000, "idempotency_key": "a"}, 409, "insufficient_points"),
        ("gift", {"points": 500, "idempotency_key": "a"}, 403, "gifts_disabled"),
        ("redeem", {"points": "500", "idempotency_key": "a"}, 400, "invalid_request"),
        ("redeem", {"points": True, "idempotency_key": "a"}, 400, "invalid_request"),
        ("redeem", {"points": 500}, 400, "invalid_request"),
        ("redeem", {"points": 500, "idempotency_key": "x" * 121}, 400, "invalid_request"),
        ("redeem", ["not", "an", "object"], 400, "invalid_request"),
    ],
)
def test_refused_redemptions_change_nothing(
    web: FlaskClient,
    shopify_runtime: Runtime,
    shop_id: int,
    kind: str,
    body: Any,
    status: int,
    code: str,
) -> None:
    anna = give_points(shopify_runtime, shop_id, ANNA, 1500)
    shopify_runtime.db.run(lambda s: update_settings(s, shop_id, {"gifts_enabled": False}))
    entries = row_count(shopify_runtime, LedgerEntry)

    answer = spend(web, body, kind=kind)

    assert (answer[0], answer[1]["error"]["code"]) == (status, code)
    assert balance(shopify_runtime, anna) == 1500
    assert row_count(shopify_runtime, RewardCode) == 0
    assert row_count(shopify_runtime, LedgerEntry) == entries


def test_reusing_a_key_for_another_amount_is_a_conflict(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    anna = give_points(shopify_runtime, shop_id, ANNA, 1500)
    spend(web, {"points": 500, "idempotency_key": "k"})

    status, body = spend(web, {"points": 600, "idempotency_key": "k"})

    assert (status, body["error"]["code"]) == (409, "idempotency_conflict")
    assert balance(shopify_runtime, anna) == 1000


def test_redeem_before_any_account_exists_is_refused(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    status, body = spend(web, {"points": 500, "idempotency_key": "k"})

    assert (status, body["error"]["code"]) == (404, "unknown_customer")
    assert row_count(shopify_runtime, Customer) == 0


def test_redeem_with_a_forged_signature_spends_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    anna = give_points(shopify_runtime, shop_id, ANNA, 1500)

    status, _ = spend(
        web, {"points": 500, "idempotency_key": "k"}, query=proxy_query(secret="forged")
    )

    assert status == 401
    assert balance(shopify_runtime, anna) == 1500


def test_widget_lists_the_customers_referrals_without_friend_emails(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    anna = give_points(shopify_runtime, shop_id, ANNA, 0)
    shopify_runtime.db.run(
        lambda s: s.add(
            Referral(
                shop_id=shop_id,
                referrer_id=anna,
                settings_version=1,
                friend_email="friend@example.com",
            )
        )
    )

    referrals = widget(web, proxy_query(customer=ANNA))[1]["referrals"]

    assert [r["status"] for r in referrals] == ["offered"]
    assert "friend@example.com" not in str(referrals)


def test_redeem_posted_as_a_form_spends_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    anna = give_points(shopify_runtime, shop_id, ANNA, 1500)

    response = web.post(
        f"/proxy/redeem?{proxy_query()}", data={"points": "500", "idempotency_key": "k"}
    )

    assert response.status_code == 400
    assert balance(shopify_runtime, anna) == 1500
