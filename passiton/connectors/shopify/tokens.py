"""Shopify's token endpoint: code grant, token exchange and refresh of *expiring* offline tokens.

Expiring offline tokens are mandatory for public apps from 2027-01-01: an access token lives
60 minutes and comes with a 90-day refresh token that rotates on every refresh, so the new pair
must be stored atomically and the old refresh token is dead once used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import requests

from passiton.core.ports import StoreError

TIMEOUT = (3.05, 20)
"""(connect, read) seconds for every call to Shopify."""
# OAuth type names (RFC 8693 and Shopify's), not secrets.
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"  # noqa: S105
OFFLINE_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token"  # noqa: S105


@dataclass(frozen=True)
class ShopifyCredentials:
    access_token: str
    refresh_token: str | None
    expires_at: datetime | None
    refresh_expires_at: datetime | None
    scopes: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "refresh_expires_at": (
                self.refresh_expires_at.isoformat() if self.refresh_expires_at else None
            ),
            "scopes": list(self.scopes),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ShopifyCredentials:
        def moment(key: str) -> datetime | None:
            value = data.get(key)
            return datetime.fromisoformat(value) if isinstance(value, str) else None

        return cls(
            access_token=str(data["access_token"]),
            refresh_token=data.get("refresh_token"),
            expires_at=moment("expires_at"),
            refresh_expires_at=moment("refresh_expires_at"),
            scopes=tuple(data.get("scopes") or ()),
        )


class CredentialStore(Protocol):
    """Where a shop's decrypted credentials come from and go to; the app encrypts them at rest."""

    def load(self, shop_id: int) -> ShopifyCredentials | None: ...

    def save(self, shop_id: int, credentials: ShopifyCredentials) -> None: ...


class TokenEndpoint:
    """`POST https://{shop}/admin/oauth/access_token`, for one app (client id and secret)."""

    def __init__(
        self,
        admin_url_template: str,
        client_id: str,
        client_secret: str,
        http: requests.Session | None = None,
    ) -> None:
        self._template = admin_url_template
        self._client_id = client_id
        self._client_secret = client_secret
        self._http = http or requests.Session()

    def exchange_code(self, shop: str, code: str, now: datetime) -> ShopifyCredentials:
        """Authorization-code grant (non-embedded install)."""
        return self._request(shop, {"code": code, "expiring": "1"}, now)

    def exchange_session_token(
        self, shop: str, session_token: str, now: datetime
    ) -> ShopifyCredentials:
        """Token exchange (embedded install): an App Bridge session token for an offline token."""
        return self._request(
            shop,
            {
                "grant_type": TOKEN_EXCHANGE,
                "subject_token": session_token,
                "subject_token_type": ID_TOKEN,
                "requested_token_type": OFFLINE_TOKEN,
                "expiring": "1",
            },
            now,
        )

    def refresh(self, shop: str, refresh_token: str, now: datetime) -> ShopifyCredentials:
        """A new token pair; the refresh token given is spent whether or not we keep the answer."""
        return self._request(
            shop, {"grant_type": "refresh_token", "refresh_token": refresh_token}, now
        )

    def _request(self, shop: str, grant: dict[str, str], now: datetime) -> ShopifyCredentials:
        url = self._template.format(shop=shop) + "/admin/oauth/access_token"
        body = {"client_id": self._client_id, "client_secret": self._client_secret, **grant}
        try:
            response = self._http.post(url, json=body, timeout=TIMEOUT)
        except requests.RequestException as error:
            raise StoreError(
                f"token endpoint unreachable: {type(error).__name__}", retryable=True
            ) from error
        if response.status_code >= 500 or response.status_code == 429:
            raise StoreError(f"token endpoint answered {response.status_code}", retryable=True)
        if response.status_code != 200:
            # 400/401: a spent or revoked grant. Never log the body: it may echo the grant.
            raise StoreError(f"token endpoint refused: {response.status_code}", retryable=False)
        return _credentials(response, now)


def _credentials(response: requests.Response, now: datetime) -> ShopifyCredentials:
    try:
        data = response.json()
        token = data["access_token"]
    except (ValueError, KeyError, TypeError) as error:
        raise StoreError("token endpoint answered without a token", retryable=True) from error
    if not isinstance(token, str) or not token:
        raise StoreError("token endpoint answered without a token", retryable=True)

    def after(key: str) -> datetime | None:
        seconds = data.get(key)
        return now + timedelta(seconds=seconds) if isinstance(seconds, int) else None

    refresh = data.get("refresh_token")
    scope = data.get("scope")
    return ShopifyCredentials(
        access_token=token,
        refresh_token=refresh if isinstance(refresh, str) and refresh else None,
        expires_at=after("expires_in"),
        refresh_expires_at=after("refresh_token_expires_in"),
        scopes=tuple(s for s in scope.split(",") if s) if isinstance(scope, str) else (),
    )
