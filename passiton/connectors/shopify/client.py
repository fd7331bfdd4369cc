"""The Admin GraphQL transport for one shop: fresh tokens, throttling, typed failures.

Not the `shopify` package's session layer: its active session is thread-local with a global
fallback and its HTTP has no timeout. This is `requests` with explicit timeouts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from passiton.connectors.shopify.tokens import (
    TIMEOUT,
    CredentialStore,
    ShopifyCredentials,
    TokenEndpoint,
)
from passiton.core.ports import StoreError

log = logging.getLogger(__name__)
REFRESH_AHEAD = timedelta(minutes=5)
MAX_THROTTLE_WAITS = 4
MAX_WAIT_SECONDS = 30.0

Clock = Callable[[], datetime]
Sleep = Callable[[float], None]


class ShopifyAdminClient:
    """GraphQL calls against one shop's Admin API, at the pinned API version."""

    def __init__(
        self,
        *,
        shop_id: int,
        shop: str,
        admin_base: str,
        api_version: str,
        credentials: CredentialStore,
        tokens: TokenEndpoint,
        http: requests.Session | None = None,
        clock: Clock = lambda: datetime.now(UTC),
        sleep: Sleep = time.sleep,
        timeout: tuple[float, float] = TIMEOUT,
        throttle_waits: int = MAX_THROTTLE_WAITS,
    ) -> None:
        self.shop = shop
        self._shop_id = shop_id
        self._url = f"{admin_base}/admin/api/{api_version}/graphql.json"
        self._credentials = credentials
        self._tokens = tokens
        self._http = http or requests.Session()
        self._clock = clock
        self._sleep = sleep
        self._timeout = timeout
        # A caller on a buyer's request path passes 0: it cannot wait out a throttle.
        self._throttle_waits = throttle_waits

    def execute(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a GraphQL call; raises StoreError (retryable or not) on failure."""
        credentials = self._fresh_credentials()
        refreshed = False
        waits = 0
        while True:
            response = self._post(credentials.access_token, document, variables or {})
            if response.status_code == 401 and not refreshed:
                # Expired early or revoked: one refresh, then believe the answer.
                credentials = self._refresh(credentials)
                refreshed = True
                continue
            wait = _throttle_wait(response)
            if wait is not None and waits < self._throttle_waits:
                waits += 1
                self._sleep(min(wait, MAX_WAIT_SECONDS))
                continue
            return _data(response)

    def _post(self, token: str, document: str, variables: dict[str, Any]) -> requests.Response:
        try:
            return self._http.post(
                self._url,
                json={"query": document, "variables": variables},
                headers={"X-Shopify-Access-Token": token},
                timeout=self._timeout,
            )
        except requests.RequestException as error:
            raise StoreError(
                f"Shopify unreachable: {type(error).__name__}", retryable=True
            ) from error

    def _fresh_credentials(self) -> ShopifyCredentials:
        credentials = self._credentials.load(self._shop_id)
        if credentials is None:
            raise StoreError(f"no credentials for {self.shop}", retryable=False)
        expires = credentials.expires_at
        if expires is not None and expires - REFRESH_AHEAD <= self._clock():
            return self._refresh(credentials)
        return credentials

    def _refresh(self, current: ShopifyCredentials) -> ShopifyCredentials:
        if current.refresh_token is None:
            raise StoreError(
                f"token for {self.shop} rejected and cannot be refreshed", retryable=False
            )
        try:
            fresh = self._tokens.refresh(self.shop, current.refresh_token, self._clock())
        except StoreError as error:
            # Refresh tokens rotate: another worker may have refreshed first and spent ours.
            # Its pair is in the store by now; use it if it differs from what we held.
            stored = self._credentials.load(self._shop_id)
            if stored is not None and stored.refresh_token != current.refresh_token:
                return stored
            if not error.retryable:
                # Refused for good (revoked or past its 90 days): forget the dead refresh
                # token, so the next embedded load sees no usable token and exchanges anew.
                self._credentials.save(self._shop_id, replace(current, refresh_token=None))
            raise
        self._credentials.save(self._shop_id, fresh)
        log.info("refreshed the Shopify token for shop %s", self._shop_id)
        return fresh


def _throttle_wait(response: requests.Response) -> float | None:
    """Seconds to wait before retrying a throttled call, or None if it was not throttled."""
    if response.status_code in (429, 503):
        retry_after = response.headers.get("Retry-After", "")
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            return 1.0
    if response.status_code != 200:
        return None
    body = _json(response)
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not any(
        isinstance(e, dict) and (e.get("extensions") or {}).get("code") == "THROTTLED"
        for e in errors
    ):
        return None
    # Leaky bucket: wait until what the query costs has leaked back in.
    cost = (body.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    try:
        needed = float(cost["requestedQueryCost"]) - float(status["currentlyAvailable"])
        return max(0.0, needed / float(status["restoreRate"]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return 1.0


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _data(response: requests.Response) -> dict[str, Any]:
    status = response.status_code
    if status == 429 or status >= 500:
        raise StoreError(f"Shopify answered {status}", retryable=True)
    if status in (401, 403):
        raise StoreError(f"Shopify refused access ({status})", retryable=False)
    if status != 200:
        raise StoreError(f"Shopify answered {status}", retryable=False)
    body = _json(response)
    if not isinstance(body, dict):
        raise StoreError("Shopify answered with something other than JSON", retryable=True)
    errors = body.get("errors")
    if errors:
        codes = sorted(
            {str((e.get("extensions") or {}).get("code")) for e in errors if isinstance(e, dict)}
        )
        raise StoreError(f"GraphQL errors: {', '.join(codes)}", retryable="THROTTLED" in codes)
    data = body.get("data")
    if not isinstance(data, dict):
        raise StoreError("GraphQL answer without data", retryable=True)
    return data
