"""Requests as Shopify's admin and storefront send them: signed queries, session tokens."""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from flask.testing import FlaskClient
from sqlalchemy import func, select

from passiton.app.runtime import Runtime
from passiton.connectors.shopify.auth import oauth_hmac, proxy_signature
from tests.shopify.shopify_data import SECRET, SHOP

CLIENT_ID = "test-client-id"  # as in tests/conftest.py
TOKEN_URL = f"https://{SHOP}/admin/oauth/access_token"
TOKEN_ANSWER = {
    "access_token": "shpat_installed",
    "expires_in": 3600,
    "refresh_token": "shprt_installed",
    "refresh_token_expires_in": 7776000,
    "scope": "read_orders,read_customers,write_discounts,write_app_proxy",
}


def signed_query(params: dict[str, str], secret: str = SECRET) -> str:
    """An admin or OAuth query string with its `hmac`."""
    return urlencode({**params, "hmac": oauth_hmac(params, secret)})


def session_token(
    shop: str = SHOP,
    *,
    secret: str = SECRET,
    audience: str = CLIENT_ID,
    expires_in: int = 60,
    **overrides: Any,
) -> str:
    """An App Bridge session token for `shop`."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": f"https://{shop}/admin",
        "dest": f"https://{shop}",
        "aud": audience,
        "sub": "42",
        "exp": now + expires_in,
        "nbf": now - 5,
        "iat": now - 5,
        "jti": str(uuid.uuid4()),
        "sid": "session-1",
        **overrides,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def proxy_query(
    shop: str = SHOP,
    customer: str | None = "7001",
    *,
    secret: str = SECRET,
    age: int = 0,
) -> str:
    """An app proxy query as Shopify signs it, `age` seconds old."""
    params = {
        "shop": shop,
        "logged_in_customer_id": customer or "",
        "path_prefix": "/apps/passiton",
        "timestamp": str(int(time.time()) - age),
    }
    signature = proxy_signature(list(params.items()), secret)
    return urlencode({**params, "signature": signature})


def start_install(web: FlaskClient, shop: str = SHOP) -> str:
    """Follow /shopify/install and return the `state` it put into the authorize URL."""
    response = web.get(f"/shopify/install?shop={shop}")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    return query["state"][0]


def callback_query(state: str, *, shop: str = SHOP, code: str = "auth-code-1") -> str:
    return signed_query(
        {"code": code, "shop": shop, "state": state, "timestamp": str(int(time.time()))}
    )


def row_count(runtime: Runtime, model: type[Any]) -> int:
    with runtime.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)
