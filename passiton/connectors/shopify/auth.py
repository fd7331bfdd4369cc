"""Shopify install and request authentication: shop domains, OAuth query HMAC, session tokens,
app proxy signatures. No framework here: callers pass query parameters and header values.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlencode

import jwt

# write_discounts implies read_discounts; write_app_proxy lets the app own its storefront proxy.
SCOPES = (
    "read_orders",
    "read_customers",
    "write_customers",
    "write_discounts",
    "write_app_proxy",
    "read_locales",
)
_SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$")
SESSION_TOKEN_LEEWAY = 10
"""Seconds of clock skew allowed: App Bridge sends an `nbf` slightly in the future."""
PROXY_MAX_SKEW = timedelta(seconds=90)


def shop_domain(raw: str | None) -> str | None:
    """`raw` as a canonical `*.myshopify.com` domain, or None: only Shopify's own hosts count."""
    if not raw:
        return None
    value = raw.strip().lower()
    return value if _SHOP_DOMAIN.match(value) else None


def oauth_hmac(params: Mapping[str, str], secret: str) -> str:
    """The hex HMAC Shopify puts in install, callback and admin-link queries."""
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "hmac")
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def oauth_query_valid(params: Mapping[str, str], secrets: Sequence[str]) -> bool:
    """True when the query's `hmac` was made with one of our client secrets."""
    sent = params.get("hmac", "")
    return bool(sent) and any(
        hmac.compare_digest(oauth_hmac(params, secret), sent) for secret in secrets if secret
    )


def authorize_url(
    admin_base: str, *, client_id: str, redirect_uri: str, state: str, scopes: Iterable[str]
) -> str:
    """Where to send the merchant to approve the app (authorization-code grant)."""
    query = urlencode(
        {
            "client_id": client_id,
            "scope": ",".join(scopes),
            "redirect_uri": redirect_uri,
            "state": state,
        }
    )
    return f"{admin_base}/admin/oauth/authorize?{query}"


class TokenRejection(StrEnum):
    INVALID = "invalid"
    EXPIRED = "expired"
    WRONG_SHOP = "wrong_shop"


class SessionTokenInvalid(Exception):
    def __init__(self, reason: TokenRejection) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class SessionToken:
    shop: str
    user_id: str
    session_id: str


def verified_claims(
    token: str, *, client_id: str, secrets: Sequence[str], required: Sequence[str]
) -> dict[str, object]:
    """The claims of a token signed (HS256) with one of our secrets for our client id."""
    for secret in (s for s in secrets if s):
        try:
            claims: dict[str, object] = jwt.decode(
                token,
                secret,
                algorithms=["HS256"],
                audience=client_id,
                leeway=SESSION_TOKEN_LEEWAY,
                options={"require": list(required)},
            )
            return claims
        except jwt.ExpiredSignatureError as error:
            raise SessionTokenInvalid(TokenRejection.EXPIRED) from error
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError as error:
            raise SessionTokenInvalid(TokenRejection.INVALID) from error
    raise SessionTokenInvalid(TokenRejection.INVALID)


def decode_session_token(token: str, *, client_id: str, secrets: Sequence[str]) -> SessionToken:
    """Verify an App Bridge session token (HS256, our client id as audience) and read its shop."""
    claims = verified_claims(
        token,
        client_id=client_id,
        secrets=secrets,
        required=("exp", "nbf", "iss", "dest", "sub", "jti", "sid", "aud"),
    )
    dest = str(claims["dest"])
    shop = shop_domain(dest.removeprefix("https://"))
    # `iss` is the shop's admin; a token whose issuer and destination disagree is not Shopify's.
    if shop is None or not dest.startswith("https://") or claims["iss"] != f"{dest}/admin":
        raise SessionTokenInvalid(TokenRejection.WRONG_SHOP)
    return SessionToken(shop=shop, user_id=str(claims["sub"]), session_id=str(claims["sid"]))


def proxy_signature(params: Sequence[tuple[str, str]], secret: str) -> str:
    """The app proxy `signature`: sorted `k=v` pairs, repeated keys comma-joined, no separator."""
    grouped: dict[str, list[str]] = {}
    for key, value in params:
        if key != "signature":
            grouped.setdefault(key, []).append(value)
    message = "".join(f"{k}={','.join(v)}" for k, v in sorted(grouped.items()))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def proxy_request_valid(
    params: Sequence[tuple[str, str]], secrets: Sequence[str], now: datetime
) -> bool:
    """True for an app proxy request signed by Shopify in the last ~90 seconds."""
    values = dict(params)
    sent = values.get("signature", "")
    try:
        sent_at = datetime.fromtimestamp(int(values.get("timestamp", "")), tz=now.tzinfo)
    except (ValueError, OverflowError, OSError):
        return False
    if abs(now - sent_at) > PROXY_MAX_SKEW or not sent:
        return False
    return any(
        hmac.compare_digest(proxy_signature(params, secret), sent) for secret in secrets if secret
    )
