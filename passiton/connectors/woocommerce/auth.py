"""Connecting a store with wc-auth, the per-store secrets, and the companion plugin's signatures."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from passiton.core.digits import ascii_digits

APP_NAME = "Passiton"
SCOPE = "read_write"
SECRET_ALPHABET = string.ascii_letters + string.digits
PLUGIN_CLOCK_SKEW_SECONDS = 300


class InvalidStoreUrl(ValueError):
    """The store address is not an http(s) URL of a site."""


@dataclass(frozen=True)
class KeyGrant:
    """What the store POSTs to our callback once the merchant approves the key request."""

    state: str
    key_id: str
    consumer_key: str = field(repr=False)
    consumer_secret: str = field(repr=False)
    permissions: str


def normalise_store_url(raw: str) -> str:
    """`https://Shop.example/wp/` → `https://shop.example/wp`: one spelling per store."""
    value = raw.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidStoreUrl("enter the store's address, e.g. https://shop.example")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidStoreUrl("the store's address must not carry credentials or a query")
    if len(value) > 200 or any(c.isspace() for c in value):
        raise InvalidStoreUrl("the store's address is not valid")
    try:
        port = parts.port
    except ValueError as error:
        raise InvalidStoreUrl("the store's address has an invalid port") from error
    host = parts.hostname.lower() + (f":{port}" if port else "")
    return f"{parts.scheme}://{host}{parts.path.rstrip('/')}"


def authorize_url(store_url: str, state: str, return_url: str, callback_url: str) -> str:
    """Where the merchant approves our key request in WP admin.

    The callback is unsigned and does not name the store, so `user_id` carries our one-time
    state (WooCommerce echoes it back) and the state is bound to the store URL on our side.
    """
    query = urlencode(
        {
            "app_name": APP_NAME,
            "scope": SCOPE,
            "user_id": state,
            "return_url": return_url,
            "callback_url": callback_url,
        }
    )
    return f"{store_url}/wc-auth/v1/authorize?{query}"


def parse_key_grant(body: Any) -> KeyGrant | None:
    """The callback's JSON body, or None when it is not a complete read/write key grant."""
    if not isinstance(body, dict):
        return None
    state = body.get("user_id")
    key = body.get("consumer_key")
    secret = body.get("consumer_secret")
    permissions = body.get("key_permissions")
    if not (_short_text(state) and _short_text(key) and _short_text(secret)):
        return None
    assert isinstance(state, str)
    assert isinstance(key, str)
    assert isinstance(secret, str)
    if permissions != SCOPE or not key.startswith("ck_") or not secret.startswith("cs_"):
        return None
    return KeyGrant(
        state=state,
        key_id=str(body.get("key_id", ""))[:32],
        consumer_key=key,
        consumer_secret=secret,
        permissions=permissions,
    )


def _short_text(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 200


def new_state() -> str:
    return secrets.token_urlsafe(32)


def state_digest(state: str) -> str:
    """States are stored hashed: a database reader cannot complete someone else's connect."""
    return hashlib.sha256(state.encode()).hexdigest()


def new_webhook_secret(length: int = 40) -> str:
    # WooCommerce HTML-entity-decodes the secret before signing: letters and digits only.
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(length))


def new_plugin_key() -> str:
    return "wpk_" + "".join(secrets.choice(SECRET_ALPHABET) for _ in range(40))


def plugin_signature(key: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 over `timestamp.body`, as the companion plugin computes it."""
    return hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def plugin_request_headers(key: str, shop: str, timestamp: str, body: bytes) -> dict[str, str]:
    """The headers of a JSON call signed with a plugin key, whichever side makes it."""
    return {
        "Content-Type": "application/json",
        "X-Passiton-Shop": shop,
        "X-Passiton-Timestamp": timestamp,
        "X-Passiton-Signature": plugin_signature(key, timestamp, body),
    }


def plugin_request_valid(key: str, timestamp: str, body: bytes, signature: str, now: int) -> bool:
    """A signed plugin call: right key, and recent (a replayed old request is refused)."""
    if not ascii_digits(timestamp) or abs(now - int(timestamp)) > PLUGIN_CLOCK_SKEW_SECONDS:
        return False
    expected = plugin_signature(key, timestamp, body)
    return hmac.compare_digest(
        expected, signature.strip().lower().encode("ascii", "replace").decode()
    )
