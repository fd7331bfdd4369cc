"""What every extension route shares: the buyer's session token and CORS for the extension host."""

from __future__ import annotations

from flask import Response, request

from passiton.app.platforms.shopify import shopify_secrets
from passiton.app.web.current import current_runtime
from passiton.connectors.shopify.auth import SessionTokenInvalid
from passiton.connectors.shopify.checkout_token import CheckoutToken, decode_checkout_token

EXTENSION_ORIGINS = frozenset({"https://extensions.shopifycdn.com"})
"""Where checkout and customer-account UI extensions run (a web worker on Shopify's CDN)."""
MAX_TOKEN_LENGTH = 4096


def allow_extension_origin(response: Response) -> Response:
    """CORS for the extension host: its bearer calls and their preflight, never cookies."""
    origin = request.headers.get("Origin", "")
    response.vary.add("Origin")
    if origin in EXTENSION_ORIGINS:
        response.headers["Access-Control-Allow-Origin"] = origin
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST"
            response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
            response.headers["Access-Control-Max-Age"] = "600"
    return response


def request_checkout_token() -> CheckoutToken | None:
    """The request's verified extension session token, or None."""
    settings = current_runtime().settings
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        return decode_checkout_token(
            token.strip(),
            client_id=settings.shopify_api_key or "",
            secrets=shopify_secrets(settings),
        )
    except SessionTokenInvalid:
        return None
