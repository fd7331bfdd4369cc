"""With `show_referrer_reward` off, nothing a friend can see tells what the referrer earns."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from passiton.app.factory import create_app
from passiton.core.models import Platform
from tests.conftest import RuntimeFactory
from tests.faces.scenario import ShopAccess, referrer, shop_with_key

# Distinctive figures, so that any appearance of them on a page is the referrer's reward.
REWARD_POINTS = 1234
REFERRER_GAIN = re.compile(r"1,?234|\bpoints?\b|\bearns?\b|\breward", re.IGNORECASE)


def _shop(
    make_runtime: RuntimeFactory, url: str, platform: Platform, mode: str
) -> tuple[FlaskClient, ShopAccess, str]:
    runtime = make_runtime(url)
    client = create_app(runtime=runtime).test_client()
    domain = "ring-shop.myshopify.com" if platform is Platform.SHOPIFY else "ring.test"
    shop = shop_with_key(runtime, domain, platform=platform, name="Ring Shop")
    code = referrer(runtime, shop.shop_id, "anna@example.com", "Anna")
    answer = client.put(
        "/api/settings",
        json={
            "reward_points": REWARD_POINTS,
            "reward_mode": mode,
            "milestones": [{"referrals": 3, "points": REWARD_POINTS}],
        },
        headers=shop.headers,
    )
    assert answer.status_code == 200
    assert answer.get_json()["settings"]["show_referrer_reward"] is False
    return client, shop, code


def _friend_pages(client: FlaskClient, shop: ShopAccess, code: str) -> dict[str, str]:
    """Every page a friend holding the link can reach, by name."""
    pages = {
        "offer": client.get(f"/r/{code}"),
        "how it works": client.get(f"/r/{code}/how-it-works"),
        "refused claim": client.post(f"/r/{code}", data={"email": "not-an-address"}),
        "claimed code": client.post(f"/r/{code}", data={"email": "bob@example.com"}),
        "unknown link": client.get("/r/NOPE-2222"),
    }
    client.put("/api/settings", json={"enabled": False}, headers=shop.headers)
    pages["paused program"] = client.get(f"/r/{code}")
    return {name: response.get_data(as_text=True) for name, response in pages.items()}


@pytest.mark.parametrize("mode", ["per_referral", "per_currency_unit"])
def test_no_friend_page_mentions_the_referrers_reward_when_the_shop_hides_it(
    make_runtime: RuntimeFactory, sqlite_url: str, mode: str
) -> None:
    client, shop, code = _shop(make_runtime, sqlite_url, Platform.FAKE, mode)

    pages = _friend_pages(client, shop, code)

    assert "Ring Shop" in pages["claimed code"]  # the fake store shows the code on our page
    leaks = {name: REFERRER_GAIN.findall(html) for name, html in pages.items()}
    assert leaks == {name: [] for name in pages}


def test_how_it_works_speaks_to_the_friend(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    client, _, code = _shop(make_runtime, sqlite_url, Platform.SHOPIFY, "per_referral")

    html = client.get(f"/r/{code}/how-it-works").get_data(as_text=True)

    assert "You get 15% off your first order at Ring Shop." in html
    assert "You earn" not in html
    assert "Share your personal link" not in html


def test_how_it_works_names_the_referrers_reward_when_the_shop_shows_it(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, shop, code = _shop(make_runtime, sqlite_url, Platform.SHOPIFY, "per_referral")
    client.put("/api/settings", json={"show_referrer_reward": True}, headers=shop.headers)

    html = client.get(f"/r/{code}/how-it-works").get_data(as_text=True)

    assert "Anna earns 1,234 points when your order is complete." in html


def test_how_it_works_names_the_milestones_when_the_shop_shows_the_reward(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, shop, code = _shop(make_runtime, sqlite_url, Platform.SHOPIFY, "per_referral")
    client.put("/api/settings", json={"show_referrer_reward": True}, headers=shop.headers)

    html = client.get(f"/r/{code}/how-it-works").get_data(as_text=True)

    assert "Anna also earns a bonus as friends" in html
    assert "<li>3 confirmed referrals: 1,234 bonus points</li>" in html
