"""The friend landing page: offer, claim, errors, no open redirect, rate limit, how it works."""

from __future__ import annotations

import time

import pytest
from flask.testing import FlaskClient
from limits import parse
from limits.storage import MemoryStorage
from sqlalchemy import func, select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.app.web.friend.claim_limit import ClaimLimit
from passiton.core.models import Platform, Referral
from tests.conftest import RuntimeFactory
from tests.faces.scenario import ShopAccess, referrer, shop_with_key


def _landing(
    make_runtime: RuntimeFactory, url: str, platform: Platform = Platform.SHOPIFY
) -> tuple[Runtime, FlaskClient, ShopAccess, str]:
    runtime = make_runtime(url)
    client = create_app(runtime=runtime).test_client()
    domain = "ring-shop.myshopify.com" if platform is Platform.SHOPIFY else "ring.test"
    shop = shop_with_key(runtime, domain, platform=platform, name="Ring Shop")
    code = referrer(runtime, shop.shop_id, "anna@example.com", "Anna")
    return runtime, client, shop, code


def _referrals(runtime: Runtime) -> int:
    with runtime.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Referral)) or 0)


def test_offer_page_leads_with_the_friends_discount(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    _, client, _, code = _landing(make_runtime, sqlite_url)

    response = client.get(f"/r/{code}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Anna gave you 15% off your first order</h1>" in html
    assert "Ring Shop" in html
    assert '<label for="email">Your e-mail address</label>' in html
    assert f'href="/r/{code}/how-it-works"' in html
    assert "points" not in html


def test_referrers_reward_is_mentioned_only_when_the_shop_says_so(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    _, client, shop, code = _landing(make_runtime, sqlite_url)
    client.put(
        "/api/settings",
        json={"show_referrer_reward": True, "friend_discount_type": "fixed",
              "friend_discount_value": "10"},
        headers=shop.headers,
    )  # fmt: skip

    html = client.get(f"/r/{code}").get_data(as_text=True)

    assert "Anna gave you $10.00 off your first order" in html
    assert "Anna earns 1,000 points when your order is complete." in html


def test_claim_redirects_to_the_shopify_store_with_the_code_and_ignores_other_targets(
    make_runtime: RuntimeFactory, database_url: str
) -> None:
    runtime, client, _, code = _landing(make_runtime, database_url)

    response = client.post(
        f"/r/{code}?redirect=https://evil.example&next=//evil.example",
        data={"email": "bob@example.com", "redirect": "https://evil.example"},
    )

    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("https://ring-shop.myshopify.com/discount/")
    assert location.endswith("?redirect=/")
    assert _referrals(runtime) == 1


def test_unknown_link_is_a_clear_404(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    runtime, client, _, _ = _landing(make_runtime, sqlite_url)

    for response in (
        client.get("/r/NOPE-2222"),
        client.get("/r/%3Cscript%3E"),
        client.post("/r/NOPE-2222", data={"email": "bob@example.com"}),
        client.get("/r/NOPE-2222/how-it-works"),
    ):
        assert response.status_code == 404
        assert "This referral link is not valid" in response.get_data(as_text=True)
    assert _referrals(runtime) == 0


def test_paused_program_says_so_and_hands_out_nothing(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime, client, shop, code = _landing(make_runtime, sqlite_url)
    client.put("/api/settings", json={"enabled": False}, headers=shop.headers)

    shown = client.get(f"/r/{code}")
    claimed = client.post(f"/r/{code}", data={"email": "bob@example.com"})

    for response in (shown, claimed):
        assert response.status_code == 409
        assert "Ring Shop&#39;s referral program is paused" in response.get_data(as_text=True)
    assert _referrals(runtime) == 0


def test_bad_email_is_shown_at_the_field_and_claims_nothing(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime, client, _, code = _landing(make_runtime, sqlite_url)

    response = client.post(f"/r/{code}", data={"email": "not-an-address"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'role="alert" id="email-error">Please enter a valid e-mail address.' in html
    assert 'aria-invalid="true"' in html
    assert 'value="not-an-address"' in html
    assert _referrals(runtime) == 0


@pytest.mark.parametrize(
    "address", ["fritz@example.com.", "fr\u200bitz@example.com", "fritz..x@example.com"]
)
def test_an_address_that_is_not_valid_syntax_is_refused_at_the_field(
    make_runtime: RuntimeFactory, sqlite_url: str, address: str
) -> None:
    runtime, client, _, code = _landing(make_runtime, sqlite_url)

    response = client.post(f"/r/{code}", data={"email": address})

    assert response.status_code == 422
    assert 'role="alert" id="email-error">Please enter a valid e-mail address.' in (
        response.get_data(as_text=True)
    )
    assert _referrals(runtime) == 0


def test_claims_are_rate_limited_per_client(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    runtime, client, _, code = _landing(make_runtime, sqlite_url)
    for n in range(10):
        ok = client.post(f"/r/{code}", data={"email": f"f{n}@example.com"})
        assert ok.status_code == 303

    refused = client.post(f"/r/{code}", data={"email": "late@example.com"})
    elsewhere = client.post(
        f"/r/{code}",
        data={"email": "other@example.com"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert elsewhere.status_code == 303
    assert _referrals(runtime) == 11


def test_limiter_forgets_hits_older_than_its_window() -> None:
    limit = ClaimLimit(MemoryStorage(), parse("2/second"))

    assert [limit.allow("a"), limit.allow("a"), limit.allow("a")] == [True, True, False]
    assert limit.retry_after("a") == 1
    assert limit.allow("b")
    time.sleep(1.1)
    assert limit.allow("a")
    assert limit.retry_after("b") == 0


def test_how_it_works_renders_the_shops_text_safely(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    _, client, shop, code = _landing(make_runtime, sqlite_url)
    client.put(
        "/api/settings",
        json={"how_it_works": "Share your link.\n\nFriends save <script>alert(1)</script>."},
        headers=shop.headers,
    )

    response = client.get(f"/r/{code}/how-it-works")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<p>Share your link.</p>" in html
    assert "<p>Friends save &lt;script&gt;alert(1)&lt;/script&gt;.</p>" in html
    assert "You get 15% off your first order at Ring Shop." in html
    assert "points" not in html
