"""`POST /proxy/redeem`: points become a reward or gift code, once per idempotency key."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from passiton.app.runtime import Runtime
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.services.shops import update_settings
from tests.shopify.app_requests import proxy_query
from tests.shopify.proxy.shoppers import ANNA, balance, give_points, spend, written_rows


def test_redeem_debits_once_and_creates_the_code_on_the_store(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, stores: FakeStoreDirectory
) -> None:
    anna = give_points(shopify_runtime, shop_id, ANNA, 1500)
    click = {"points": 1000, "kind": "reward", "idempotency_key": "click-1"}

    first = spend(web, click)
    retry = spend(web, click)

    assert first[0] == retry[0] == 200
    assert first[1] == retry[1]
    reward = first[1]["reward"]
    assert set(reward) == {"kind", "code", "amount", "amount_text", "currency", "status"}
    assert (reward["kind"], reward["amount"], reward["currency"]) == ("reward", "10.00", "USD")
    assert reward["status"] == "created"
    assert balance(shopify_runtime, anna) == 500
    assert written_rows(shopify_runtime)[2] == 1
    assert stores.stores[shop_id].restricted[reward["code"].upper()].customer_id == ANNA


def test_gift_creates_an_unrestricted_code(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, stores: FakeStoreDirectory
) -> None:
    anna = give_points(shopify_runtime, shop_id, ANNA, 1500)

    status, body = spend(web, {"points": 500, "kind": "gift", "idempotency_key": "g1"})

    assert (status, body["reward"]["kind"]) == (200, "gift")
    assert balance(shopify_runtime, anna) == 1000
    assert stores.stores[shop_id].restricted[body["reward"]["code"].upper()].customer_id is None


VALID = {"points": 500, "kind": "reward", "idempotency_key": "a"}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({**VALID, "points": 100}, 422, "below_redemption_minimum"),
        ({**VALID, "points": 5000}, 409, "insufficient_points"),
        ({**VALID, "kind": "gift"}, 403, "gifts_disabled"),
        ({**VALID, "points": "500"}, 400, "invalid_request"),
        ({**VALID, "points": True}, 400, "invalid_request"),
        ({**VALID, "kind": None}, 400, "invalid_request"),
        ({**VALID, "kind": "cash"}, 400, "invalid_request"),
        ({**VALID, "kind": ["reward"]}, 400, "invalid_request"),
        ({"points": 500, "idempotency_key": "a"}, 400, "invalid_request"),
        ({"points": 500, "kind": "reward"}, 400, "invalid_request"),
        ({**VALID, "idempotency_key": "x" * 121}, 400, "invalid_request"),
        (["not", "an", "object"], 400, "invalid_request"),
    ],
)
def test_refused_redemptions_change_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, body: Any, status: int, code: str
) -> None:
    anna = give_points(shopify_runtime, shop_id, ANNA, 1500)
    shopify_runtime.db.run(lambda s: update_settings(s, shop_id, {"gifts_enabled": False}))
    before = written_rows(shopify_runtime)

    answer = spend(web, body)

    assert (answer[0], answer[1]["error"]["code"]) == (status, code)
    assert balance(shopify_runtime, anna) == 1500
    assert written_rows(shopify_runtime) == before


@pytest.mark.parametrize(
    "second",
    [{"points": 600, "kind": "reward"}, {"points": 500, "kind": "gift"}],
    ids=["other-amount", "other-kind"],
)
def test_reusing_a_key_for_another_redemption_is_a_conflict(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, second: dict[str, Any]
) -> None:
    anna = give_points(shopify_runtime, shop_id, ANNA, 1500)
    spend(web, {"points": 500, "kind": "reward", "idempotency_key": "k"})

    status, body = spend(web, {**second, "idempotency_key": "k"})

    assert (status, body["error"]["code"]) == (409, "idempotency_conflict")
    assert balance(shopify_runtime, anna) == 1000
    assert written_rows(shopify_runtime)[2] == 1


def test_redeem_before_any_account_exists_is_refused(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    status, body = spend(web, {"points": 500, "kind": "reward", "idempotency_key": "k"})

    assert (status, body["error"]["code"]) == (404, "unknown_customer")
    assert written_rows(shopify_runtime) == (0, 0, 0)


def test_redeem_by_a_guest_is_refused(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    give_points(shopify_runtime, shop_id, ANNA, 1500)
    before = written_rows(shopify_runtime)

    status, body = spend(
        web,
        {"points": 500, "kind": "reward", "idempotency_key": "k"},
        query=proxy_query(customer=None),
    )

    assert (status, body["error"]["code"]) == (401, "not_logged_in")
    assert written_rows(shopify_runtime) == before


@pytest.mark.parametrize(
    "query",
    [
        lambda: proxy_query(secret="forged"),
        lambda: proxy_query(age=300),
        lambda: proxy_query(customer="7002").replace("7002", "7001"),
    ],
    ids=["forged", "old", "other-customer"],
)
def test_redeem_without_a_valid_signature_spends_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, query: Any
) -> None:
    anna = give_points(shopify_runtime, shop_id, ANNA, 1500)
    before = written_rows(shopify_runtime)

    status, body = spend(
        web, {"points": 500, "kind": "reward", "idempotency_key": "k"}, query=query()
    )

    assert (status, body["error"]["code"]) == (401, "invalid_signature")
    assert balance(shopify_runtime, anna) == 1500
    assert written_rows(shopify_runtime) == before


def test_redeem_posted_as_a_form_spends_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    anna = give_points(shopify_runtime, shop_id, ANNA, 1500)

    response = web.post(
        f"/proxy/redeem?{proxy_query()}",
        data={"points": "500", "kind": "reward", "idempotency_key": "k"},
    )

    assert response.status_code == 400
    assert balance(shopify_runtime, anna) == 1500
    assert written_rows(shopify_runtime)[2] == 0


def test_gift_is_not_a_route_of_its_own(web: FlaskClient, shop_id: int) -> None:
    response = web.post(f"/proxy/gift?{proxy_query()}", json={"points": 500})

    assert response.status_code == 404
