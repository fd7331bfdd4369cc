"""An installed Shopify shop with a usable token, its Admin API on `responses`, and the
checkout extension's requests as Shopify's extension host sends them."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import responses
from flask.testing import FlaskClient
from sqlalchemy import func, select

from passiton.app.platforms.shopify import install_with_credentials
from passiton.app.runtime import Runtime
from passiton.connectors.shopify.tokens import ShopifyCredentials
from passiton.core.models import Customer, LedgerEntry, OrderRecord, Referral
from tests.shopify.admin_api import FakeAdminApi
from tests.shopify.app_requests import CLIENT_ID
from tests.shopify.shopify_data import SECRET, SHOP

ORIGIN = "https://extensions.shopifycdn.com"
ROUTE = "/shopify/extension/referral"
GRAPHQL = f"https://{SHOP}/admin/api/2026-10/graphql.json"
ORDER_ID = "820982911946154508"  # as shopify_data.paid_order
CUSTOMER_ID = "115310627314723954"
THANK_YOU_ORDER = f"gid://shopify/OrderIdentity/{ORDER_ID}"


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The route tests run on SQLite; the join tests ask for both backends themselves."""
    return sqlite_url


def usable_credentials() -> ShopifyCredentials:
    """A token pair that needs no refresh during a test."""
    now = datetime.now(UTC)
    return ShopifyCredentials(
        access_token="shpat_held",
        refresh_token="shprt_held",
        expires_at=now + timedelta(minutes=50),
        refresh_expires_at=now + timedelta(days=60),
        scopes=("read_orders",),
    )


@pytest.fixture
def shop_id(shopify_runtime: Runtime) -> int:
    return install_with_credentials(
        shopify_runtime.db, shopify_runtime.vault, SHOP, usable_credentials(), datetime.now(UTC)
    )


@pytest.fixture
def admin() -> Iterator[FakeAdminApi]:
    api = FakeAdminApi()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add_callback(responses.POST, GRAPHQL, callback=api)
        yield api


def checkout_token(
    shop: str = SHOP,
    *,
    secret: str = SECRET,
    audience: str = CLIENT_ID,
    expires_in: int = 300,
    customer: str | None = None,
    **overrides: Any,
) -> str:
    """A checkout extension's session token: no `sid`, `sub` only for a logged-in buyer."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "dest": shop,
        "aud": audience,
        "exp": now + expires_in,
        "nbf": now - 5,
        "iat": now - 5,
        "jti": str(uuid.uuid4()),
        **({"sub": f"gid://shopify/Customer/{customer}"} if customer else {}),
        **overrides,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def ask(
    web: FlaskClient, token: str | None, order_id: object = THANK_YOU_ORDER
) -> tuple[int, Any, dict[str, str]]:
    headers = {"Origin": ORIGIN}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    response = web.post(ROUTE, json={"order_id": order_id}, headers=headers)
    return response.status_code, response.get_json(), dict(response.headers)


def order_node(
    order_id: str = ORDER_ID,
    *,
    customer_id: str | None = CUSTOMER_ID,
    email: str = "friend@example.com",
    status: str = "PAID",
    locale: str = "en",
    cancelled: bool = False,
) -> dict[str, Any]:
    """An `Order` as the Admin API answers `OrderById`: the buyer of shopify_data.paid_order."""
    return {
        "legacyResourceId": order_id,
        "updatedAt": "2026-11-01T15:00:00Z",
        "email": email,
        "phone": None,
        "currencyCode": "USD",
        "displayFinancialStatus": status,
        "cancelledAt": "2026-11-01T15:00:00Z" if cancelled else None,
        "test": False,
        "customerLocale": locale,
        "discountCodes": [],
        "customAttributes": [],
        "customer": {"legacyResourceId": customer_id, "firstName": "Jo", "email": None}
        if customer_id
        else None,
        "shippingAddress": None,
        "subtotalPriceSet": {"shopMoney": {"amount": "100.00"}},
        "totalPriceSet": {"shopMoney": {"amount": "110.00"}},
        "refunds": [],
    }


def rows(runtime: Runtime) -> dict[str, int]:
    """How many referrers, ledger entries, order records and referrals exist."""
    with runtime.db.sessions() as session:
        return {
            model.__name__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Customer, LedgerEntry, OrderRecord, Referral)
        }
