"""Shopify's OAuth side: the authorize screen, and the token endpoint with expiring tokens.

As on Shopify, offline access tokens live 60 minutes and come with a 90-day refresh token
that rotates: once a refresh token is used it is dead, whether or not its answer arrived.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt

from passiton.sandbox.clock import SandboxClock

ACCESS_SECONDS = 3600
REFRESH_SECONDS = 90 * 24 * 3600
SCOPES = "read_orders,read_customers,write_customers,write_discounts,write_app_proxy,read_locales"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105 - a type name
OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token"


@dataclass(frozen=True)
class ShopifyApp:
    """The one app the sandbox knows: its client id and secret."""

    client_id: str
    client_secret: str


@dataclass
class _Grant:
    shop: str
    expires_at: float


class OAuthError(Exception):
    """A refused grant: HTTP status and Shopify's error text."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class TokenAuthority:
    """Issues and checks codes, access tokens and rotating refresh tokens, per shop."""

    def __init__(self, app: ShopifyApp, clock: SandboxClock) -> None:
        self.app = app
        self._clock = clock
        self._lock = threading.Lock()
        self._codes: dict[str, str] = {}
        self._access: dict[str, _Grant] = {}
        self._refresh: dict[str, _Grant] = {}
        self.refreshes = 0

    def approve(self, shop: str, redirect_uri: str, state: str) -> str:
        """The merchant clicks "Install": the redirect to the app with a signed code."""
        code = secrets.token_hex(16)
        with self._lock:
            self._codes[code] = shop
        params = {"code": code, "shop": shop, "state": state, "timestamp": str(int(time.time()))}
        message = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        signed = hmac.new(self.app.client_secret.encode(), message.encode(), hashlib.sha256)
        return f"{redirect_uri}?{urlencode({**params, 'hmac': signed.hexdigest()})}"

    def grant(self, shop: str, body: dict[str, Any]) -> dict[str, Any]:
        """`POST /admin/oauth/access_token` for any of the three grants."""
        if body.get("client_id") != self.app.client_id or not hmac.compare_digest(
            str(body.get("client_secret", "")), self.app.client_secret
        ):
            raise OAuthError(401, "invalid_client")
        kind = body.get("grant_type")
        if kind == "refresh_token":
            self._spend_refresh(shop, str(body.get("refresh_token", "")))
            self.refreshes += 1
        elif kind == TOKEN_EXCHANGE:
            self._check_session_token(shop, body)
        elif "code" in body:
            with self._lock:
                if self._codes.pop(str(body["code"]), None) != shop:
                    raise OAuthError(400, "invalid_request: the code is unknown or used")
        else:
            raise OAuthError(400, "unsupported_grant_type")
        if body.get("expiring") not in ("1", None) and kind != "refresh_token":
            raise OAuthError(400, "expiring must be 1")
        return self._issue(shop)

    def valid(self, shop: str, token: str) -> bool:
        """True when `token` is a live access token for `shop`."""
        with self._lock:
            grant = self._access.get(token)
        return grant is not None and grant.shop == shop and grant.expires_at > self._now()

    def _issue(self, shop: str) -> dict[str, Any]:
        access, refresh = f"shpat_{secrets.token_hex(16)}", f"shprt_{secrets.token_hex(16)}"
        with self._lock:
            self._access[access] = _Grant(shop, self._now() + ACCESS_SECONDS)
            self._refresh[refresh] = _Grant(shop, self._now() + REFRESH_SECONDS)
        return {
            "access_token": access,
            "expires_in": ACCESS_SECONDS,
            "refresh_token": refresh,
            "refresh_token_expires_in": REFRESH_SECONDS,
            "scope": SCOPES,
        }

    def _spend_refresh(self, shop: str, token: str) -> None:
        with self._lock:
            grant = self._refresh.pop(token, None)
        if grant is None or grant.shop != shop or grant.expires_at <= self._now():
            raise OAuthError(400, "invalid_grant: the refresh token is expired or used")

    def _check_session_token(self, shop: str, body: dict[str, Any]) -> None:
        try:
            claims = jwt.decode(
                str(body.get("subject_token", "")),
                self.app.client_secret,
                algorithms=["HS256"],
                audience=self.app.client_id,
                leeway=10,
            )
        except jwt.PyJWTError as error:
            raise OAuthError(400, "invalid_subject_token") from error
        if claims.get("dest") != f"https://{shop}" or body.get("requested_token_type") != OFFLINE:
            raise OAuthError(400, "invalid_subject_token")

    def _now(self) -> float:
        return self._clock.seconds()
