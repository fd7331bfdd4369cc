"""The embedded entry `/shopify/app` and session tokens on the merchant API."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import responses
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from passiton.app.platforms.shopify import VaultCredentialStore, install_with_credentials
from passiton.app.runtime import Runtime
from passiton.connectors.shopify.tokens import ShopifyCredentials
from passiton.core.models import Platform, Shop, ShopStatus
from passiton.core.services.shops import find_shop, uninstall_shop, update_settings
from tests.shopify.app_requests import TOKEN_ANSWER, TOKEN_URL, row_count, session_token
from tests.shopify.shopify_data import SHOP

OTHER_SHOP = "bert-boots.myshopify.com"
NOW = datetime.now(UTC)


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The embedded-app tests run on SQLite only."""
    return sqlite_url


def pair(
    access: str = "shpat_held",
    *,
    refresh: str | None = "shprt_held",
    refresh_left: timedelta = timedelta(days=60),
) -> ShopifyCredentials:
    return ShopifyCredentials(
        access_token=access,
        refresh_token=refresh,
        expires_at=NOW - timedelta(minutes=1),
        refresh_expires_at=NOW + refresh_left,
        scopes=("write_discounts",),
    )


def installed(runtime: Runtime, domain: str, credentials: ShopifyCredentials) -> int:
    return install_with_credentials(runtime.db, runtime.vault, domain, credentials, NOW)


def held_token(runtime: Runtime, shop_id: int) -> str | None:
    held = VaultCredentialStore(runtime.db, runtime.vault).load(shop_id)
    return held.access_token if held else None


def entry(web: FlaskClient, token: str, shop: str = SHOP) -> tuple[int, str, Any]:
    response = web.get(f"/shopify/app?shop={shop}&host=YWRtaW4&id_token={token}")
    return response.status_code, response.headers.get("Location", ""), response.get_json() or {}


@responses.activate
def test_first_embedded_load_exchanges_the_session_token_and_installs(
    web: FlaskClient, shopify_runtime: Runtime
) -> None:
    exchange = responses.add(responses.POST, TOKEN_URL, json=TOKEN_ANSWER)
    token = session_token()

    status, location, _ = entry(web, token)

    assert (status, location) == (302, f"/settings?shop={SHOP}&host=YWRtaW4")
    sent = json.loads(exchange.calls[0].request.body or b"{}")
    assert sent["subject_token"] == token
    assert sent["expiring"] == "1"
    assert sent["requested_token_type"] == (
        "urn:shopify:params:oauth:token-type:offline-access-token"
    )
    with shopify_runtime.db.sessions() as session:
        shop = find_shop(session, Platform.SHOPIFY, SHOP)
        assert shop is not None
        shop_id = shop.id
    assert held_token(shopify_runtime, shop_id) == "shpat_installed"


@responses.activate
def test_load_with_a_refreshable_token_does_not_call_shopify(
    web: FlaskClient, shopify_runtime: Runtime
) -> None:
    shop_id = installed(shopify_runtime, SHOP, pair())

    status, location, _ = entry(web, session_token())

    assert (status, location.split("?")[0]) == (302, "/settings")
    assert len(responses.calls) == 0
    assert held_token(shopify_runtime, shop_id) == "shpat_held"


@responses.activate
@pytest.mark.parametrize(
    "credentials",
    [
        pair(refresh=None),  # the refresh was refused and forgotten
        pair(refresh_left=timedelta(days=-1)),  # the refresh token ran out
    ],
    ids=["refresh-refused", "refresh-expired"],
)
def test_load_without_a_usable_token_exchanges_a_new_one(
    web: FlaskClient, shopify_runtime: Runtime, credentials: ShopifyCredentials
) -> None:
    shop_id = installed(shopify_runtime, SHOP, credentials)
    responses.add(responses.POST, TOKEN_URL, json=TOKEN_ANSWER)

    status, _, _ = entry(web, session_token())

    assert status == 302
    assert held_token(shopify_runtime, shop_id) == "shpat_installed"


@responses.activate
def test_load_after_uninstall_revives_the_shop(web: FlaskClient, shopify_runtime: Runtime) -> None:
    shop_id = installed(shopify_runtime, SHOP, pair())
    shopify_runtime.db.run(lambda s: uninstall_shop(s, shop_id))
    responses.add(responses.POST, TOKEN_URL, json=TOKEN_ANSWER)

    status, _, _ = entry(web, session_token())

    assert status == 302
    with shopify_runtime.db.sessions() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None
        assert shop.status is ShopStatus.ACTIVE
    assert held_token(shopify_runtime, shop_id) == "shpat_installed"


@responses.activate
@pytest.mark.parametrize(
    "make_token",
    [
        lambda: session_token(secret="another-apps-secret-0123456789abcdef"),
        lambda: session_token(expires_in=-120),
        lambda: session_token(audience="another-client-id"),
        lambda: session_token(OTHER_SHOP),
        lambda: "not-a-token",
    ],
    ids=["other-secret", "expired", "other-app", "other-shop", "garbage"],
)
def test_bad_session_tokens_install_nothing(
    web: FlaskClient, shopify_runtime: Runtime, make_token: Callable[[], str]
) -> None:
    # Tokens are made when the test runs: they live one minute, a test run lasts longer.
    status, _, body = entry(web, make_token(), SHOP)

    assert status == 401
    assert "error" in body
    assert len(responses.calls) == 0
    assert row_count(shopify_runtime, Shop) == 0


@responses.activate
def test_refused_token_exchange_installs_nothing(
    web: FlaskClient, shopify_runtime: Runtime
) -> None:
    responses.add(responses.POST, TOKEN_URL, status=400, json={"error": "invalid_subject_token"})

    status, _, body = entry(web, session_token())

    assert (status, body["error"]["code"]) == (400, "token_exchange_failed")
    assert row_count(shopify_runtime, Shop) == 0


# The merchant API with `Authorization: Bearer <session token>`.


@pytest.fixture
def two_shops(shopify_runtime: Runtime) -> tuple[int, int]:
    anna = installed(shopify_runtime, SHOP, pair())
    bert = installed(shopify_runtime, OTHER_SHOP, pair())

    def distinguish(session: Session) -> None:
        update_settings(session, anna, {"min_redemption_points": 700})
        update_settings(session, bert, {"min_redemption_points": 900})

    shopify_runtime.db.run(distinguish)
    return anna, bert


def api_settings(web: FlaskClient, token: str) -> tuple[int, Any]:
    response = web.get("/api/settings", headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.get_json()


def test_session_token_reads_its_own_shops_settings(
    web: FlaskClient, two_shops: tuple[int, int]
) -> None:
    anna = api_settings(web, session_token(SHOP))
    bert = api_settings(web, session_token(OTHER_SHOP))

    assert (anna[0], anna[1]["settings"]["min_redemption_points"]) == (200, 700)
    assert (bert[0], bert[1]["settings"]["min_redemption_points"]) == (200, 900)


@pytest.mark.parametrize(
    "make_token",
    [
        lambda: session_token(expires_in=-120),
        lambda: session_token(secret="another-apps-secret-0123456789abcdef"),
        lambda: session_token("carl-coats.myshopify.com"),
        lambda: session_token(dest="https://bert-boots.myshopify.com"),  # iss names anna
    ],
    ids=["expired", "other-secret", "unknown-shop", "dest-iss-mismatch"],
)
def test_invalid_session_tokens_get_401(
    web: FlaskClient, two_shops: tuple[int, int], make_token: Callable[[], str]
) -> None:
    status, body = api_settings(web, make_token())

    assert status == 401
    assert body["error"]["code"] == "unauthenticated"


def test_session_token_of_an_uninstalled_shop_gets_401(
    web: FlaskClient, shopify_runtime: Runtime, two_shops: tuple[int, int]
) -> None:
    shopify_runtime.db.run(lambda s: uninstall_shop(s, two_shops[0]))

    assert api_settings(web, session_token(SHOP))[0] == 401
    assert api_settings(web, session_token(OTHER_SHOP))[0] == 200
