from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from passiton.connectors.shopify.auth import (
    SessionTokenInvalid,
    TokenRejection,
    decode_session_token,
    oauth_hmac,
    oauth_query_valid,
    proxy_request_valid,
    proxy_signature,
    shop_domain,
)

CLIENT_ID = "test-client-id"
# Real client secrets are 32+ characters; PyJWT warns about shorter HMAC keys.
APP_SECRET = "shpss_0123456789abcdef0123456789abcdef"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def test_oauth_hmac_matches_shopifys_published_vector() -> None:
    params = {
        "code": "0907a61c0c8d55e99db179b68161bc00",
        "shop": "some-shop.myshopify.com",
        "timestamp": "1337178173",
    }

    assert (
        oauth_hmac(params, "hush")
        == "4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20"
    )


def test_oauth_query_accepts_previous_secret_and_refuses_tampering() -> None:
    params = {"shop": "some-shop.myshopify.com", "timestamp": "1337178173"}
    params["hmac"] = oauth_hmac(params, "old")

    assert oauth_query_valid(params, ("new", "old"))
    assert not oauth_query_valid({**params, "shop": "evil.myshopify.com"}, ("new", "old"))
    assert not oauth_query_valid({k: v for k, v in params.items() if k != "hmac"}, ("old",))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Anna-Rings.myshopify.com", "anna-rings.myshopify.com"),
        (" shop1.myshopify.com ", "shop1.myshopify.com"),
        ("evil.com", None),
        ("shop.myshopify.com.evil.com", None),
        ("https://shop.myshopify.com", None),
        ("-shop.myshopify.com", None),
        ("", None),
        (None, None),
    ],
)
def test_only_myshopify_domains_are_shops(raw: str | None, expected: str | None) -> None:
    assert shop_domain(raw) == expected


def session_token(secret: str = APP_SECRET, **changes: object) -> str:
    now = int(datetime.now(UTC).timestamp())
    claims: dict[str, object] = {
        "iss": "https://anna.myshopify.com/admin",
        "dest": "https://anna.myshopify.com",
        "aud": CLIENT_ID,
        "sub": "42",
        "exp": now + 60,
        "nbf": now,
        "iat": now,
        "jti": "j-1",
        "sid": "s-1",
    }
    claims.update(changes)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, secret, "HS256")


def test_session_token_names_its_shop() -> None:
    token = decode_session_token(session_token(), client_id=CLIENT_ID, secrets=(APP_SECRET,))

    assert (token.shop, token.user_id, token.session_id) == ("anna.myshopify.com", "42", "s-1")


def test_session_token_from_slightly_ahead_clock_is_accepted() -> None:
    ahead = int(datetime.now(UTC).timestamp()) + 5

    token = decode_session_token(
        session_token(nbf=ahead, iat=ahead), client_id=CLIENT_ID, secrets=(APP_SECRET,)
    )

    assert token.shop == "anna.myshopify.com"


EXPIRED = object()  # stands for "an exp a minute ago", computed when the test runs


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"secret": "shpss_another-apps-secret-0123456789abcdef"}, TokenRejection.INVALID),
        ({"aud": "someone-else"}, TokenRejection.INVALID),
        ({"sid": None}, TokenRejection.INVALID),
        ({"exp": EXPIRED}, TokenRejection.EXPIRED),
        ({"iss": "https://other.myshopify.com/admin"}, TokenRejection.WRONG_SHOP),
        ({"dest": "https://evil.com", "iss": "https://evil.com/admin"}, TokenRejection.WRONG_SHOP),
        (None, TokenRejection.INVALID),
    ],
)
def test_bad_session_tokens_are_refused_with_a_reason(
    changes: dict[str, object] | None, reason: TokenRejection
) -> None:
    # Tokens are minted here, not at collection: they live one minute, and a long test run
    # would otherwise see every one of them as merely expired.
    if changes is None:
        token = "not-a-jwt"
    else:
        claims = dict(changes)
        if claims.get("exp") is EXPIRED:
            claims["exp"] = int(datetime.now(UTC).timestamp()) - 60
        token = session_token(**claims)  # type: ignore[arg-type]

    with pytest.raises(SessionTokenInvalid) as refused:
        decode_session_token(token, client_id=CLIENT_ID, secrets=(APP_SECRET,))

    assert refused.value.reason is reason


def proxy_params(timestamp: datetime, signer: str = "hush") -> list[tuple[str, str]]:
    params = [
        ("shop", "anna.myshopify.com"),
        ("logged_in_customer_id", "1001"),
        ("path_prefix", "/apps/passiton"),
        ("timestamp", str(int(timestamp.timestamp()))),
        ("extra", "1"),
        ("extra", "2"),
    ]
    return [*params, ("signature", proxy_signature(params, signer))]


def test_proxy_signature_joins_repeated_keys_with_commas() -> None:
    params = [("b", "2"), ("a", "1"), ("b", "3")]

    assert proxy_signature(params, "hush") == proxy_signature([("a", "1"), ("b", "2,3")], "hush")


def test_fresh_signed_proxy_request_is_valid() -> None:
    assert proxy_request_valid(proxy_params(NOW), ("hush",), NOW + timedelta(seconds=30))


def test_stale_or_tampered_proxy_requests_are_refused() -> None:
    signed = proxy_params(NOW)
    tampered = [(k, "2002" if k == "logged_in_customer_id" else v) for k, v in signed]

    assert not proxy_request_valid(signed, ("hush",), NOW + timedelta(minutes=5))
    assert not proxy_request_valid(tampered, ("hush",), NOW)
    assert not proxy_request_valid(proxy_params(NOW, "other"), ("hush",), NOW)
    assert not proxy_request_valid([("timestamp", "soon")], ("hush",), NOW)
