"""The customer-account page's routes: the logged-in buyer's account and their redemptions."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from passiton.app.runtime import Runtime
from tests.shopify.extension.conftest import ORIGIN, checkout_token, rows
from tests.shopify.proxy.shoppers import give_points

ANNA = "7001"


def get_account(web: FlaskClient, token: str | None) -> tuple[int, Any]:
    headers = {"Origin": ORIGIN}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = web.get("/shopify/extension/account", headers=headers)
    return response.status_code, response.get_json()


def post_redeem(web: FlaskClient, token: str, body: object) -> tuple[int, Any, dict[str, str]]:
    response = web.post(
        "/shopify/extension/redeem",
        json=body,
        headers={"Origin": ORIGIN, "Authorization": f"Bearer {token}"},
    )
    return response.status_code, response.get_json(), dict(response.headers)


def test_logged_in_buyer_sees_link_points_and_history(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    give_points(shopify_runtime, shop_id, ANNA, 1200)

    status, answer = get_account(web, checkout_token(customer=ANNA))

    assert status == 200
    assert answer["customer"]["points_available"] == 1200
    assert answer["customer"]["link"].startswith("http://passiton.test/r/")
    assert [line["points"] for line in answer["history"]] == [1200]
    assert answer["gifts_enabled"] is True


def test_guest_token_and_no_token_get_401_and_enrol_nobody(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    for token in (checkout_token(), None, checkout_token(customer=ANNA, secret="x" * 40)):
        status, answer = get_account(web, token)
        assert status == 401, answer

    assert rows(shopify_runtime)["Customer"] == 0


def test_buyer_turns_points_into_a_gift_code_once_per_key(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    give_points(shopify_runtime, shop_id, ANNA, 1200)
    body = {"points": 500, "kind": "gift", "idempotency_key": "k-1"}

    first = post_redeem(web, checkout_token(customer=ANNA), body)
    again = post_redeem(web, checkout_token(customer=ANNA), body)

    assert first[0] == again[0] == 200
    assert first[1]["reward"]["code"] == again[1]["reward"]["code"]
    assert first[1]["reward"]["kind"] == "gift"
    assert first[2]["Access-Control-Allow-Origin"] == ORIGIN
    _, answer = get_account(web, checkout_token(customer=ANNA))
    assert answer["customer"]["points_available"] == 700


def test_redeeming_more_than_held_or_a_bad_body_changes_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    give_points(shopify_runtime, shop_id, ANNA, 100)
    before = rows(shopify_runtime)

    too_many = post_redeem(
        web,
        checkout_token(customer=ANNA),
        {"points": 500, "kind": "reward", "idempotency_key": "k"},
    )
    malformed = post_redeem(web, checkout_token(customer=ANNA), {"points": "all"})
    guest = post_redeem(
        web, checkout_token(), {"points": 50, "kind": "reward", "idempotency_key": "k"}
    )

    assert (too_many[0], malformed[0], guest[0]) == (409, 400, 401)
    assert rows(shopify_runtime) == before


def test_preflight_of_the_account_route_allows_get(web: FlaskClient, shop_id: int) -> None:
    response = web.options(
        "/shopify/extension/account",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"},
    )

    assert response.status_code == 204
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
