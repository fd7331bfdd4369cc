"""In Chromium: a merchant sets milestone tiers, sees them saved, and a bad tier refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.faces.live_server import LiveApp, new_context
from tests.faces.scenario import ShopAccess, shop_with_key

pytestmark = pytest.mark.browser


def _settings_page(browser: Browser, live: LiveApp) -> tuple[Page, ShopAccess]:
    shop = shop_with_key(live.runtime, "ring-shop.test", name="Ring Shop")
    context = new_context(browser)
    context.add_cookies([live.login_cookie(shop.shop_id)])  # type: ignore[list-item]
    page = context.new_page()
    page.goto(f"{live.url}/settings")
    expect(page.locator("#settings-version")).to_have_text("1")
    return page, shop


def _add_tier(page: Page, referrals: str, points: str) -> None:
    page.get_by_role("button", name="Add a milestone").click()
    page.get_by_label("Confirmed referrals").last.fill(referrals)
    page.get_by_label("Bonus points").last.fill(points)


def test_merchant_adds_and_removes_milestones_and_they_are_saved(
    browser: Browser, live: LiveApp
) -> None:
    page, shop = _settings_page(browser, live)

    _add_tier(page, "3", "200")
    _add_tier(page, "5", "500")
    _add_tier(page, "10", "1500")
    page.get_by_role("button", name="Remove milestone 2").click()
    page.get_by_role("button", name="Save settings").click()

    expect(page.locator("#toast")).to_have_text("Saved. Settings version 2.")
    page.reload()
    expect(page.get_by_label("Confirmed referrals")).to_have_count(2)
    expect(page.get_by_label("Bonus points").last).to_have_value("1500")
    client = live.app.test_client()
    body = client.get("/api/settings", headers=shop.headers).get_json()
    assert body["settings"]["milestones"] == [
        {"referrals": 3, "points": 200},
        {"referrals": 10, "points": 1500},
    ]
    page.context.close()


def test_tiers_out_of_order_are_refused_at_the_field_and_not_saved(
    browser: Browser, live: LiveApp
) -> None:
    page, shop = _settings_page(browser, live)

    _add_tier(page, "5", "500")
    _add_tier(page, "3", "200")
    page.get_by_role("button", name="Save settings").click()

    expect(page.locator("#milestones-error")).to_have_text(
        "milestones: each tier must need more referrals than the one before"
    )
    client = live.app.test_client()
    assert client.get("/api/settings", headers=shop.headers).get_json()["version"] == 1
    page.context.close()
