"""Checkout and customer-account extension session tokens: what is accepted, what is refused."""

from __future__ import annotations

import time

import jwt
import pytest

from passiton.connectors.shopify.auth import SessionTokenInvalid, TokenRejection
from passiton.connectors.shopify.checkout_token import CheckoutToken, decode_checkout_token
from tests.shopify.extension.conftest import checkout_token
from tests.shopify.shopify_data import SECRET, SHOP

CLIENT_ID = "test-client-id"
PREVIOUS = "the-previous-client-secret-0123456789abc"


def decode(token: str, secrets: tuple[str, ...] = (SECRET,)) -> CheckoutToken:
    return decode_checkout_token(token, client_id=CLIENT_ID, secrets=secrets)


def test_guest_buyers_token_names_the_shop_and_no_customer() -> None:
    assert decode(checkout_token()) == CheckoutToken(shop=SHOP, customer_id=None)


def test_logged_in_buyers_token_names_their_customer_id() -> None:
    assert decode(checkout_token(customer="7001")).customer_id == "7001"


def test_dest_written_as_a_url_names_the_same_shop() -> None:
    assert decode(checkout_token(dest=f"https://{SHOP}")).shop == SHOP


def test_previous_secret_still_verifies_during_a_rotation() -> None:
    assert decode(checkout_token(secret=PREVIOUS), (SECRET, PREVIOUS)).shop == SHOP


def test_nbf_a_few_seconds_ahead_is_within_the_leeway() -> None:
    assert decode(checkout_token(nbf=int(time.time()) + 5)).shop == SHOP


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (lambda: checkout_token(secret=PREVIOUS), TokenRejection.INVALID),
        (lambda: checkout_token(expires_in=-60), TokenRejection.EXPIRED),
        (lambda: checkout_token(audience="another-app"), TokenRejection.INVALID),
        (lambda: checkout_token(nbf=int(time.time()) + 120), TokenRejection.INVALID),
        (lambda: checkout_token(shop="shop.example.com"), TokenRejection.WRONG_SHOP),
        (lambda: checkout_token(dest=["x"]), TokenRejection.WRONG_SHOP),
        (lambda: checkout_token(sid="admin-session"), TokenRejection.INVALID),
        (lambda: checkout_token(sub="42"), TokenRejection.INVALID),
        (lambda: checkout_token(sub="gid://shopify/StaffMember/1"), TokenRejection.INVALID),
        (
            lambda: jwt.encode({"dest": SHOP, "aud": CLIENT_ID}, SECRET, algorithm="HS256"),
            TokenRejection.INVALID,
        ),
        (lambda: "not.a.jwt", TokenRejection.INVALID),
    ],
    ids=[
        "forged",
        "expired",
        "wrong-audience",
        "not-yet-valid",
        "not-a-shopify-shop",
        "dest-not-text",
        "admin-token",
        "sub-not-a-customer-gid",
        "sub-a-staff-member",
        "no-exp-nbf",
        "garbage",
    ],
)
def test_refused_tokens_say_why(token: object, reason: TokenRejection) -> None:
    with pytest.raises(SessionTokenInvalid) as refused:
        decode(token())  # type: ignore[operator]
    assert refused.value.reason is reason
