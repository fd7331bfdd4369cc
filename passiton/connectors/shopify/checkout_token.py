"""Session tokens of checkout and customer-account UI extensions (thank-you, order-status pages).

They are signed like the admin's App Bridge tokens (HS256 with the client secret, `aud` = our
client id, ~5 minutes of life) but name a buyer's visit, not a staff member's: there is no
`sid` and no admin `iss`, and `sub` (`gid://shopify/Customer/<id>`) is present only when the
buyer is logged in and the app may read customer accounts. `dest` names the shop; shopify.dev's
examples write it as the bare `*.myshopify.com` domain while the admin's tokens carry
`https://…`, so both spellings are read, and only Shopify's own hosts are accepted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from passiton.connectors.shopify.auth import (
    SessionTokenInvalid,
    TokenRejection,
    shop_domain,
    verified_claims,
)

_CUSTOMER_GID = re.compile(r"^gid://shopify/Customer/([0-9]{1,20})$")


@dataclass(frozen=True)
class CheckoutToken:
    shop: str
    customer_id: str | None
    """The logged-in buyer's customer id (as webhooks write it), or None for a guest."""


def decode_checkout_token(token: str, *, client_id: str, secrets: Sequence[str]) -> CheckoutToken:
    """Verify a checkout/customer-account extension's session token and read shop and buyer."""
    claims = verified_claims(
        token, client_id=client_id, secrets=secrets, required=("exp", "nbf", "dest", "aud")
    )
    # An admin session token is a merchant's, valid for the admin only: it must not act as a
    # buyer on the storefront's endpoints.
    if "sid" in claims:
        raise SessionTokenInvalid(TokenRejection.INVALID)
    dest = claims["dest"]
    shop = shop_domain(dest.removeprefix("https://")) if isinstance(dest, str) else None
    if shop is None:
        raise SessionTokenInvalid(TokenRejection.WRONG_SHOP)
    sub = claims.get("sub")
    if sub is None:
        return CheckoutToken(shop=shop, customer_id=None)
    found = _CUSTOMER_GID.match(sub) if isinstance(sub, str) else None
    if found is None:
        raise SessionTokenInvalid(TokenRejection.INVALID)
    return CheckoutToken(shop=shop, customer_id=found.group(1))
