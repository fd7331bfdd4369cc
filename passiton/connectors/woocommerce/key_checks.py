"""What Passiton asks a store about a wc-auth key: does it work, and revoke the one it replaced."""

from __future__ import annotations

import json
import logging
from enum import StrEnum

import requests

from passiton.connectors.woocommerce.auth import plugin_request_headers
from passiton.connectors.woocommerce.rest import WooCredentials, WooRest, raise_for_status
from passiton.core.ports import StoreError

log = logging.getLogger(__name__)
REVOKE_ROUTE = "/wp-json/passiton/v1/keys/revoke"
"""The companion plugin's route (includes/passiton-revoke.php)."""
TIMEOUT_SECONDS = 15


class RevokeOutcome(StrEnum):
    REVOKED = "revoked"
    NOT_REVOKED = "not_revoked"
    """No plugin answered for this store (not installed, not configured, or it refused)."""


def prove_key(credentials: WooCredentials) -> None:
    """An authenticated read with the granted key against that store; StoreError if it fails.

    The wc-auth callback is unsigned and names no store, so only a call to the store URL the
    merchant asked for, made with the key, shows that this store issued it. The webhook list is
    light (system_status computes a whole environment report) and needs the very permission the
    later tasks use.
    """
    response = WooRest(credentials, timeout=TIMEOUT_SECONDS).get("webhooks", {"per_page": 1})
    raise_for_status(response, "key check")


def revoke_key_with_plugin(
    store_url: str, shop_id: int, plugin_key: str, key_id: str, now: int
) -> RevokeOutcome:
    """Ask the store's companion plugin to delete an API key; StoreError when worth a retry.

    WooCommerce's REST API cannot delete API keys, and a replaced wc-auth key stays valid.
    """
    raw = json.dumps({"key_id": key_id}).encode()
    stamp = str(now)
    try:
        response = requests.post(
            f"{store_url}{REVOKE_ROUTE}",
            data=raw,
            headers=plugin_request_headers(plugin_key, str(shop_id), stamp, raw),
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        reason = type(error).__name__
        raise StoreError(f"key revocation failed: {reason}", retryable=True) from error
    if response.status_code == 429 or response.status_code >= 500:
        raise StoreError(f"key revocation: HTTP {response.status_code}", retryable=True)
    if response.status_code == 200 and _revoked(response):
        return RevokeOutcome.REVOKED
    # 404 rest_no_route: no plugin (or an older one); 401: its key or store id is not ours.
    log.info("shop %s: no plugin revoked key %s (%s)", shop_id, key_id, response.status_code)
    return RevokeOutcome.NOT_REVOKED


def _revoked(response: requests.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("revoked") is True
