"""A thin wrapper over the `woocommerce` library: timeouts, status checks, typed errors."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import requests
from woocommerce import API

from passiton.core.ports import StoreError

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 15
PAGE_SIZE = 100
"""WooCommerce lists at most 100 items per page."""


@dataclass(frozen=True)
class WooCredentials:
    """A store's REST API key pair, as the app decrypts it for the connector."""

    store_url: str
    consumer_key: str = field(repr=False)
    consumer_secret: str = field(repr=False)


class WooRest:
    """Calls `/wp-json/wc/v3/…`; every failure becomes a StoreError saying whether to retry."""

    def __init__(self, credentials: WooCredentials, timeout: float = TIMEOUT_SECONDS) -> None:
        # Over https the library sends Basic auth; over plain http it signs with OAuth 1.0a,
        # which is what WooCommerce requires there.
        self._api = API(
            url=credentials.store_url,
            consumer_key=credentials.consumer_key,
            consumer_secret=credentials.consumer_secret,
            version="wc/v3",
            timeout=timeout,
        )
        self._store = credentials.store_url
        self._timeout = timeout

    def get(self, endpoint: str, params: dict[str, Any] | None = None) -> requests.Response:
        return self._call("GET", endpoint, lambda: self._api.get(endpoint, params=params or {}))

    def site_index(self) -> requests.Response:
        """`GET /wp-json/`, WordPress's own public index, outside the wc/v3 namespace."""
        url = f"{self._store.rstrip('/')}/wp-json/"
        return self._call("GET", "/wp-json/", lambda: requests.get(url, timeout=self._timeout))

    def post(self, endpoint: str, data: Any) -> requests.Response:
        return self._call("POST", endpoint, lambda: self._api.post(endpoint, data))

    def put(self, endpoint: str, data: Any) -> requests.Response:
        return self._call("PUT", endpoint, lambda: self._api.put(endpoint, data))

    def delete(self, endpoint: str, params: dict[str, Any] | None = None) -> requests.Response:
        return self._call(
            "DELETE", endpoint, lambda: self._api.delete(endpoint, params=params or {})
        )

    def _call(self, method: str, endpoint: str, send: Any) -> requests.Response:
        try:
            response: requests.Response = send()
        except requests.Timeout as error:
            raise StoreError(f"{method} {endpoint} timed out", retryable=True) from error
        except requests.RequestException as error:
            reason = type(error).__name__
            raise StoreError(f"{method} {endpoint} failed: {reason}", retryable=True) from error
        return response


def json_body(response: requests.Response, what: str) -> Any:
    """The decoded JSON body of a 2xx answer; raises StoreError for anything else."""
    raise_for_status(response, what)
    try:
        return response.json()
    except ValueError as error:
        raise StoreError(f"{what}: the store did not answer JSON", retryable=True) from error


def raise_for_status(response: requests.Response, what: str) -> None:
    """429 and 5xx can pass with time; other 4xx need the merchant (keys, permissions)."""
    status = response.status_code
    if status < 400:
        return
    code = error_code(response)
    retryable = status == 429 or status >= 500
    log.warning("woocommerce %s answered %s (%s)", what, status, code or "no code")
    raise StoreError(f"{what}: HTTP {status} {code or ''}".strip(), retryable=retryable)


def error_code(response: requests.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return str(code) if code else None
