"""Who is the merchant calling? A bearer credential or a logged-in merchant session.

Bearer credentials are tried by resolvers in order: per-shop API keys (`pk_…`) here, Shopify
session tokens registered by the Shopify wiring. A logged-in merchant (WooCommerce accounts) is
`session["shop_id"]`; cookie-authenticated requests that change things must carry the CSRF token
(`X-CSRF-Token` header or `csrf_token` form field), since a browser sends cookies on its own.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, current_app, g, request, session
from sqlalchemy.orm import Session

from passiton.app.runtime import Runtime
from passiton.app.web.http_errors import error_response
from passiton.app.web.merchant.api_keys import shop_for_api_key

BearerResolver = Callable[[Session, str], int | None]
"""Maps a bearer token to the shop it authenticates, or None if it is not this kind/valid."""

_RESOLVERS = "passiton.bearer_resolvers"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def install_merchant_auth(app: Flask) -> None:
    app.extensions[_RESOLVERS] = [shop_for_api_key]


def add_bearer_resolver(app: Flask, resolver: BearerResolver) -> None:
    app.extensions[_RESOLVERS].append(resolver)


def csrf_token() -> str:
    """The session's CSRF token, created on first use; put it in forms and fetch headers."""
    token = session.get("csrf_token")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf_token"] = token
    return token


def csrf_valid() -> bool:
    expected = session.get("csrf_token")
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
    return isinstance(expected, str) and hmac.compare_digest(expected, sent)


def resolve_shop() -> int | None:
    """The shop the current request is authenticated for, or None."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or len(token) > 4096:
            return None
        runtime: Runtime = current_app.extensions["passiton"]
        with runtime.db.sessions() as db_session:
            for resolver in current_app.extensions[_RESOLVERS]:
                shop_id = resolver(db_session, token)
                if shop_id is not None:
                    return int(shop_id)
        return None
    shop_id = session.get("shop_id")
    if not isinstance(shop_id, int):
        return None
    if request.method not in SAFE_METHODS and not csrf_valid():
        return None
    return shop_id


def merchant_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run the view with `g.shop_id` set from the credentials; never from request parameters."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        shop_id = resolve_shop()
        if shop_id is None:
            return error_response(
                401, "unauthenticated", "an API key, a session token or a login is required"
            )
        g.shop_id = shop_id
        return view(*args, **kwargs)

    return wrapper
