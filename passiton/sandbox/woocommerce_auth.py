"""How a sandbox WooCommerce store authenticates REST calls, as `WC_REST_Authentication` does.

The sandbox is served over plain http, where WooCommerce accepts only OAuth 1.0a one-legged
signatures in the query string: Basic auth and `consumer_key`/`consumer_secret` query
parameters are honoured over https only, so here they leave the call unauthenticated. The
signature is recomputed from the request exactly as WooCommerce computes it (so a client whose
signer is wrong is refused, as a real store would refuse it), the timestamp must be within 15
minutes and a nonce cannot be used twice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

VALID_WINDOW_SECONDS = 15 * 60
OAUTH_PARAMS = (
    "oauth_consumer_key",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
)
ALGORITHMS = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}
AUTH_ERROR = "woocommerce_rest_authentication_error"
UNAUTHENTICATED = {
    # What the REST controllers answer a caller they do not know (the permission check fails).
    "GET": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "POST": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "PUT": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "DELETE": (
        "woocommerce_rest_cannot_delete",
        "Sorry, you are not allowed to delete this resource.",
    ),
}
READS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class RestCall:
    """What authentication looks at: method, the URL without query, and the query parameters."""

    method: str
    url: str
    params: Mapping[str, str]


@dataclass(frozen=True)
class Refusal:
    """A 401 with WooCommerce's error code and message."""

    code: str
    message: str


@dataclass
class ApiKey:
    """One row of `woocommerce_api_keys`."""

    key_id: int
    user_id: int
    consumer_key: str
    consumer_secret: str = field(repr=False)
    permissions: str
    nonces: dict[int, str] = field(default_factory=dict)
    """Used nonces by timestamp, as WooCommerce keeps them (one per second)."""


class ApiKeys:
    """The store's REST API keys; callers hold the store's lock around every method."""

    def __init__(self) -> None:
        self._keys: dict[str, ApiKey] = {}
        self._ids = itertools.count(1)

    def issue(self, user_id: int, permissions: str, pair: tuple[str, str] | None = None) -> ApiKey:
        """A new key pair (`ck_`/`cs_` + 40 hex digits unless `pair` is given)."""
        key, secret = pair or (f"ck_{secrets.token_hex(20)}", f"cs_{secrets.token_hex(20)}")
        made = ApiKey(next(self._ids), user_id, key, secret, permissions)
        self._keys[key] = made
        return made

    def revoke(self, consumer_key: str) -> None:
        self._keys.pop(consumer_key, None)

    def find(self, consumer_key: str) -> ApiKey | None:
        return self._keys.get(consumer_key)

    def authenticate(self, call: RestCall, now: int) -> ApiKey | Refusal:
        """The key that signed `call`, or why it is refused."""
        present = [name for name in OAUTH_PARAMS if call.params.get(name)]
        if not present:
            code, message = UNAUTHENTICATED.get(call.method, UNAUTHENTICATED["GET"])
            return Refusal(code, message)
        missing = [name for name in OAUTH_PARAMS if name not in present]
        if missing:
            return Refusal(
                "woocommerce_rest_authentication_missing_parameter",
                f"Missing OAuth parameter {', '.join(missing)}",
            )
        key = self._keys.get(call.params["oauth_consumer_key"])
        if key is None:
            return Refusal(AUTH_ERROR, "Consumer key is invalid.")
        refused = _check_signature(call, key.consumer_secret) or _check_replay(key, call, now)
        if refused is not None:
            return refused
        return _check_permissions(key, call.method) or key


def signature(method: str, url: str, params: Mapping[str, str], secret: str, algorithm: str) -> str:
    """WooCommerce's OAuth signature: base64 HMAC over `METHOD&url&k%3Dv%26…`.

    Keys and values are RFC 3986-encoded, then each `key=value` pair is encoded again (so `%`
    becomes `%25`), pairs sorted by key and joined with an encoded `&`; the HMAC key is the
    consumer secret plus `&` (no token secret in one-legged OAuth).
    """
    pairs = sorted((k, v) for k, v in params.items() if k != "oauth_signature")
    joined = "%26".join(_rfc3986(f"{_rfc3986(k)}={_rfc3986(v)}") for k, v in pairs)
    message = f"{method.upper()}&{_rfc3986(url)}&{joined}"
    digest = hmac.new(f"{secret}&".encode(), message.encode(), ALGORITHMS[algorithm]).digest()
    return base64.b64encode(digest).decode()


def _check_signature(call: RestCall, secret: str) -> Refusal | None:
    algorithm = call.params["oauth_signature_method"]
    if algorithm not in ALGORITHMS:
        return Refusal(AUTH_ERROR, "Invalid signature - signature method is invalid.")
    # PHP has decoded the query once already; WooCommerce decodes the signature once more.
    given = unquote(call.params["oauth_signature"].replace(" ", "+"))
    expected = signature(call.method, call.url, call.params, secret, algorithm)
    if not hmac.compare_digest(expected.encode(), given.encode()):
        return Refusal(AUTH_ERROR, "Invalid signature - provided signature does not match.")
    return None


def _check_replay(key: ApiKey, call: RestCall, now: int) -> Refusal | None:
    raw = call.params["oauth_timestamp"]
    if not raw.isdigit() or abs(int(raw) - now) > VALID_WINDOW_SECONDS:
        return Refusal(AUTH_ERROR, "Invalid timestamp.")
    nonce = call.params["oauth_nonce"]
    if nonce in key.nonces.values():
        return Refusal(AUTH_ERROR, "Invalid nonce - nonce has already been used.")
    key.nonces[int(raw)] = nonce
    for stamp in [s for s in key.nonces if s < now - VALID_WINDOW_SECONDS]:
        del key.nonces[stamp]
    return None


def _check_permissions(key: ApiKey, method: str) -> Refusal | None:
    needed = "read" if method in READS else "write"
    if key.permissions not in (needed, "read_write"):
        return Refusal(AUTH_ERROR, f"The API key provided does not have {needed} permissions.")
    return None


def _rfc3986(value: str) -> str:
    """PHP's rawurlencode: everything but letters, digits and `-._~` is percent-encoded."""
    return quote(value, safe="~")
