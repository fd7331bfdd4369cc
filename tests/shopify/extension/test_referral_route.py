"""`POST /shopify/extension/referral`: the thank-you block's link, before any webhook."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
import responses
from flask.testing import FlaskClient

from passiton.app.factory import create_app
from passiton.app.platforms.shopify import install_with_credentials
from passiton.app.runtime import Runtime
from passiton.core.services.shops import update_settings
from tests.conftest import RuntimeFactory
from tests.shopify.admin_api import FakeAdminApi
from tests.shopify.extension.conftest import (
    CUSTOMER_ID,
    GRAPHQL,
    ORDER_ID,
    ORIGIN,
    ROUTE,
    ask,
    checkout_token,
    order_node,
    rows,
    usable_credentials,
)
from tests.shopify.shopify_data import SECRET

OTHER_SHOP = "bert-boots.myshopify.com"
FORGED_SECRET = "not-the-app-secret-but-just-as-long-0123"
NEW_SECRET = "the-new-shopify-client-secret-0123456789"
NOW = datetime.now(UTC)
NOTHING = {"Customer": 0, "LedgerEntry": 0, "OrderRecord": 0, "Referral": 0}


def test_thank_you_order_gets_the_buyers_link_and_the_friend_offer(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, admin: FakeAdminApi
) -> None:
    admin.answer("OrderById", {"order": order_node()})

    status, answer, headers = ask(web, checkout_token())

    assert status == 200
    assert answer["link"] == f"http://passiton.test/r/{answer['referral_code']}"
    assert answer["friend_offer"] == "15%"
    assert answer["gifts_enabled"] is True
    assert answer["referrer_reward"] is None
    assert set(answer) == {
        "referral_code",
        "link",
        "shop_name",
        "friend_offer",
        "gifts_enabled",
        "referrer_reward",
    }
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Credentials" not in headers
    # The browser's OrderIdentity is the Admin API's Order of the same number.
    assert admin.calls[0][1] == {"id": f"gid://shopify/Order/{ORDER_ID}"}
    assert rows(shopify_runtime) == {**NOTHING, "Customer": 1}


def test_order_status_page_order_id_is_accepted_as_it_is(
    web: FlaskClient, shop_id: int, admin: FakeAdminApi
) -> None:
    admin.answer("OrderById", {"order": order_node()})

    status, _, _ = ask(web, checkout_token(), order_id=f"gid://shopify/Order/{ORDER_ID}")

    assert status == 200
    assert admin.calls[0][1] == {"id": f"gid://shopify/Order/{ORDER_ID}"}


def test_preflight_allows_the_extension_host_with_the_authorization_header(
    web: FlaskClient, shop_id: int
) -> None:
    response = web.options(
        ROUTE,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_other_origins_get_no_cors_permission(
    web: FlaskClient, shop_id: int, admin: FakeAdminApi
) -> None:
    response = web.options(
        ROUTE, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )

    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: checkout_token(secret=FORGED_SECRET), id="forged"),
        pytest.param(lambda: checkout_token(expires_in=-120), id="expired"),
        pytest.param(lambda: checkout_token(audience="another-app"), id="wrong-audience"),
        pytest.param(lambda: checkout_token(shop=OTHER_SHOP), id="shop-not-installed"),
        pytest.param(lambda: checkout_token(shop="evil.example.com"), id="not-a-shopify-shop"),
        pytest.param(lambda: checkout_token(sid="admin-session"), id="admin-session-token"),
        pytest.param(lambda: None, id="missing"),
    ],
)
def test_bad_tokens_get_401_and_change_nothing(
    web: FlaskClient,
    shopify_runtime: Runtime,
    shop_id: int,
    admin: FakeAdminApi,
    token: object,
) -> None:
    admin.answer("OrderById", {"order": order_node()})

    status, answer, headers = ask(web, token())  # type: ignore[operator]

    assert status == 401
    assert answer["error"]["code"] in {"invalid_session_token", "unknown_shop"}
    # The extension can read the refusal: CORS headers are on errors too.
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert admin.calls == []
    assert rows(shopify_runtime) == NOTHING


def test_order_of_another_shop_gets_404_and_changes_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    # Bert's shop is installed too; his token names Anna's order, which his Admin API lacks.
    install_with_credentials(
        shopify_runtime.db, shopify_runtime.vault, OTHER_SHOP, usable_credentials(), NOW
    )
    bert = FakeAdminApi()
    bert.answer("OrderById", {"order": None})
    with responses.RequestsMock() as rsps:
        rsps.add_callback(
            responses.POST, f"https://{OTHER_SHOP}/admin/api/2026-10/graphql.json", callback=bert
        )

        status, answer, _ = ask(web, checkout_token(shop=OTHER_SHOP))

    assert (status, answer["error"]["code"]) == (404, "unknown_order")
    assert bert.calls[0][1] == {"id": f"gid://shopify/Order/{ORDER_ID}"}
    assert rows(shopify_runtime) == NOTHING


def test_admin_api_timeout_gets_503_and_changes_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, GRAPHQL, body=requests.exceptions.ReadTimeout("slow"))

        status, answer, headers = ask(web, checkout_token())

    assert (status, answer["error"]["code"]) == (503, "store_unavailable")
    assert headers["Retry-After"]
    assert rows(shopify_runtime) == NOTHING


def test_throttled_admin_api_is_not_waited_for_on_the_buyers_request(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, admin: FakeAdminApi
) -> None:
    admin.answer("OrderById", {"errors": [{"message": "x", "extensions": {"code": "THROTTLED"}}]})

    status, _, _ = ask(web, checkout_token())

    assert status == 503
    assert len(admin.calls) == 1
    assert rows(shopify_runtime) == NOTHING


def test_verified_order_is_remembered_per_shop_and_order(
    web: FlaskClient, shop_id: int, admin: FakeAdminApi
) -> None:
    admin.answer("OrderById", {"order": order_node()})

    first = ask(web, checkout_token())
    again = ask(web, checkout_token())

    assert first[0] == again[0] == 200
    assert first[1]["referral_code"] == again[1]["referral_code"]
    # The order is asked for once; the buyer's link is then written to their customer record.
    assert admin.operations().count("OrderById") == 1


def test_order_not_created_yet_is_asked_again_on_retry(
    web: FlaskClient, shop_id: int, admin: FakeAdminApi
) -> None:
    admin.answer("OrderById", {"order": None})
    admin.answer("OrderById", {"order": order_node()})

    first = ask(web, checkout_token())
    retry = ask(web, checkout_token())

    assert (first[0], retry[0]) == (404, 200)


def test_logged_in_buyer_cannot_ask_for_someone_elses_order(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, admin: FakeAdminApi
) -> None:
    admin.answer("OrderById", {"order": order_node()})

    status, answer, _ = ask(web, checkout_token(customer="999"))

    assert (status, answer["error"]["code"]) == (403, "not_your_order")
    assert rows(shopify_runtime) == NOTHING


def test_logged_in_buyer_gets_their_own_link(
    web: FlaskClient, shop_id: int, admin: FakeAdminApi
) -> None:
    admin.answer("OrderById", {"order": order_node()})

    status, _, _ = ask(web, checkout_token(customer=CUSTOMER_ID))

    assert status == 200


@pytest.mark.parametrize(
    "order_id",
    [None, "", 820982911946154508, "gid://shopify/Customer/1", "gid://shopify/Order/x", "1" * 5000],
)
def test_malformed_order_ids_get_400_and_call_nobody(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, admin: FakeAdminApi, order_id: object
) -> None:
    status, answer, _ = ask(web, checkout_token(), order_id=order_id)

    assert (status, answer["error"]["field"]) == (400, "order_id")
    assert admin.calls == []
    assert rows(shopify_runtime) == NOTHING


def test_cancelled_order_enrols_nobody(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, admin: FakeAdminApi
) -> None:
    admin.answer("OrderById", {"order": order_node(cancelled=True)})

    status, answer, _ = ask(web, checkout_token())

    assert (status, answer["error"]["code"]) == (404, "no_referrer")
    assert rows(shopify_runtime) == NOTHING


def test_paused_program_gets_409_before_any_store_call(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, admin: FakeAdminApi
) -> None:
    shopify_runtime.db.run(lambda s: update_settings(s, shop_id, {"enabled": False}))

    status, _, _ = ask(web, checkout_token())

    assert status == 409
    assert admin.calls == []
    assert rows(shopify_runtime) == NOTHING


def test_previous_secret_is_accepted_during_a_rotation(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime = make_runtime(
        sqlite_url, shopify_api_secret=NEW_SECRET, shopify_api_secret_previous=SECRET
    )
    web = create_app(runtime=runtime).test_client()

    status, answer, _ = ask(web, checkout_token(secret=SECRET))

    # The signature is good: what fails is that no shop is installed in this database.
    assert (status, answer["error"]["code"]) == (401, "unknown_shop")


def test_shop_that_shows_the_referrer_reward_says_it(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, admin: FakeAdminApi
) -> None:
    shopify_runtime.db.run(lambda s: update_settings(s, shop_id, {"show_referrer_reward": True}))
    admin.answer("OrderById", {"order": order_node()})

    _, answer, _ = ask(web, checkout_token())

    assert answer["referrer_reward"] == {"points": 1000, "mode": "per_referral"}


def test_german_buyer_reads_the_offer_as_german_writes_it(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, admin: FakeAdminApi
) -> None:
    shopify_runtime.db.run(
        lambda s: update_settings(
            s, shop_id, {"friend_discount_type": "fixed", "friend_discount_value": "10"}
        )
    )
    admin.answer("OrderById", {"order": order_node(locale="de-DE")})

    _, answer, _ = ask(web, checkout_token())

    assert answer["friend_offer"] == "10,00\xa0$"
