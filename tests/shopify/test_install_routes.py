"""Authorization-code install: `/shopify/install` → Shopify → `/shopify/callback`."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.app.factory import create_app
from passiton.app.platforms.shopify import VaultCredentialStore
from passiton.app.runtime import Runtime
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import FriendCode, Platform, Shop, ShopStatus
from passiton.core.services.shops import install_shop, uninstall_shop
from tests.conftest import RuntimeFactory
from tests.shopify.app_requests import (
    CLIENT_ID,
    TOKEN_ANSWER,
    TOKEN_URL,
    callback_query,
    row_count,
    signed_query,
    start_install,
)
from tests.shopify.shopify_data import SHOP

OTHER_SHOP = "bert-boots.myshopify.com"


def test_install_redirects_to_shopify_with_our_scopes_and_callback(web: FlaskClient) -> None:
    response = web.get(f"/shopify/install?shop={SHOP}")

    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    query = parse_qs(target.query)
    assert (target.netloc, target.path) == (SHOP, "/admin/oauth/authorize")
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == [
        "read_orders,read_customers,write_customers,write_discounts,write_app_proxy,read_locales"
    ]
    assert query["redirect_uri"] == ["http://passiton.test/shopify/callback"]
    assert query["state"][0]


@pytest.mark.parametrize(
    "query",
    ["", "shop=evil.example.com", "shop=anna.myshopify.com.evil.com", "shop=a&shop=b"],
)
def test_install_refuses_anything_but_a_myshopify_shop(web: FlaskClient, query: str) -> None:
    response = web.get(f"/shopify/install?{query}")

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_shop"


def test_install_link_with_a_forged_admin_signature_is_refused(web: FlaskClient) -> None:
    query = signed_query({"shop": SHOP, "timestamp": str(int(time.time()))}, secret="forged")

    response = web.get(f"/shopify/install?{query}")

    assert response.status_code == 401


@responses.activate
def test_callback_installs_the_shop_with_sealed_expiring_credentials(
    web: FlaskClient, shopify_runtime: Runtime, stores: FakeStoreDirectory
) -> None:
    token_call = responses.add(responses.POST, TOKEN_URL, json=TOKEN_ANSWER)
    state = start_install(web)

    response = web.get(f"/shopify/callback?{callback_query(state)}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"https://{SHOP}/admin/apps/{CLIENT_ID}"
    sent = json.loads(token_call.calls[0].request.body or b"{}")
    assert (sent["code"], sent["expiring"], sent["client_id"]) == ("auth-code-1", "1", CLIENT_ID)
    with shopify_runtime.db.sessions() as session:
        shop = session.scalars(select(Shop)).one()
    assert (shop.platform, shop.domain, shop.status) == (
        Platform.SHOPIFY,
        SHOP,
        ShopStatus.ACTIVE,
    )
    assert shop.credentials is not None
    assert b"shpat_installed" not in shop.credentials
    held = VaultCredentialStore(shopify_runtime.db, shopify_runtime.vault).load(shop.id)
    assert held is not None
    assert (held.access_token, held.refresh_token) == ("shpat_installed", "shprt_installed")
    assert held.expires_at is not None
    # The pool was filled after the commit, by the task; another task asked who the shop is.
    assert stores.stores[shop.id].friend_codes
    assert row_count(shopify_runtime, FriendCode) > 0
    assert shop.facts_refreshed_at is not None


@responses.activate
def test_callback_revives_an_uninstalled_shop(web: FlaskClient, shopify_runtime: Runtime) -> None:
    def installed_then_removed(session: Session) -> int:
        shop = install_shop(session, platform=Platform.SHOPIFY, domain=SHOP)
        uninstall_shop(session, shop.id)
        return shop.id

    shop_id = shopify_runtime.db.run(installed_then_removed)
    responses.add(responses.POST, TOKEN_URL, json=TOKEN_ANSWER)

    response = web.get(f"/shopify/callback?{callback_query(start_install(web))}")

    assert response.status_code == 302
    with shopify_runtime.db.sessions() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None
        assert (shop.status, shop.uninstalled_at) == (ShopStatus.ACTIVE, None)
    assert row_count(shopify_runtime, Shop) == 1


def _nothing_installed(runtime: Runtime) -> bool:
    return row_count(runtime, Shop) == 0


@responses.activate
def test_callback_with_a_forged_hmac_writes_nothing(
    web: FlaskClient, shopify_runtime: Runtime
) -> None:
    state = start_install(web)
    forged = callback_query(state).replace("hmac=", "hmac=00")

    response = web.get(f"/shopify/callback?{forged}")

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_hmac"
    assert len(responses.calls) == 0
    assert _nothing_installed(shopify_runtime)


@responses.activate
def test_callback_for_another_shop_than_the_state_names_is_refused(
    web: FlaskClient, shopify_runtime: Runtime
) -> None:
    state = start_install(web, SHOP)

    response = web.get(f"/shopify/callback?{callback_query(state, shop=OTHER_SHOP)}")

    assert response.status_code == 403
    assert len(responses.calls) == 0
    assert _nothing_installed(shopify_runtime)


@responses.activate
def test_callback_state_is_single_use(web: FlaskClient, shopify_runtime: Runtime) -> None:
    responses.add(responses.POST, TOKEN_URL, json=TOKEN_ANSWER)
    state = start_install(web)
    assert web.get(f"/shopify/callback?{callback_query(state)}").status_code == 302

    replay = web.get(f"/shopify/callback?{callback_query(state, code='auth-code-2')}")

    assert replay.status_code == 403
    assert len(responses.calls) == 1


@responses.activate
def test_callback_from_a_browser_that_did_not_start_the_install_is_refused(
    web: FlaskClient, shopify_runtime: Runtime
) -> None:
    state = start_install(web)
    stranger = create_app(runtime=shopify_runtime).test_client()

    response = stranger.get(f"/shopify/callback?{callback_query(state)}")

    assert response.status_code == 403
    assert _nothing_installed(shopify_runtime)


@responses.activate
def test_callback_with_a_made_up_state_is_refused(
    web: FlaskClient, shopify_runtime: Runtime
) -> None:
    start_install(web)

    response = web.get(f"/shopify/callback?{callback_query('made-up-state')}")

    assert response.status_code == 403
    assert _nothing_installed(shopify_runtime)


@responses.activate
@pytest.mark.parametrize("status", [400, 503])
def test_callback_whose_code_shopify_refuses_writes_nothing(
    web: FlaskClient, shopify_runtime: Runtime, status: int
) -> None:
    responses.add(responses.POST, TOKEN_URL, status=status, json={"error": "invalid_request"})
    state = start_install(web)

    response = web.get(f"/shopify/callback?{callback_query(state)}")

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "token_exchange_failed"
    assert _nothing_installed(shopify_runtime)


def test_routes_are_absent_when_shopify_is_not_configured(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime = make_runtime(sqlite_url, shopify_api_key=None, shopify_api_secret=None)
    web = create_app(runtime=runtime).test_client()

    assert web.get(f"/shopify/install?shop={SHOP}").status_code == 404
    assert web.get("/proxy/widget.json").status_code == 404
