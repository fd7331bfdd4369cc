"""In Chromium: a merchant changes the program settings and sees them saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.faces.live_server import LiveApp, new_context
from tests.faces.scenario import shop_with_key

pytestmark = pytest.mark.browser


def test_merchant_changes_friend_offer_and_it_is_saved_as_a_new_version(
    browser: Browser, live: LiveApp
) -> None:
    shop = shop_with_key(live.runtime, "ring-shop.test", name="Ring Shop")
    context = new_context(browser)
    context.add_cookies([live.login_cookie(shop.shop_id)])  # type: ignore[list-item]
    page = context.new_page()

    page.goto(f"{live.url}/")
    expect(page).to_have_url(f"{live.url}/settings")
    expect(page.locator("#settings-version")).to_have_text("1")
    page.get_by_label("Fixed amount off").check()
    page.get_by_label("Discount value").fill("20")
    page.get_by_label("Minimum order subtotal").fill("50")
    page.get_by_role("button", name="Save settings").click()

    expect(page.locator("#toast")).to_have_text("Saved. Settings version 2.")
    page.reload()
    expect(page.locator("#settings-version")).to_have_text("2")
    expect(page.get_by_label("Discount value")).to_have_value("20.00")
    expect(page.get_by_label("Fixed amount off")).to_be_checked()
    client = live.app.test_client()
    body = client.get("/api/settings", headers=shop.headers).get_json()
    assert body["version"] == 2
    assert body["settings"]["friend_discount_type"] == "fixed"
    assert body["settings"]["friend_min_subtotal"] == "50.00"
    context.close()


def test_refused_setting_is_shown_at_its_field_and_not_saved(
    browser: Browser, live: LiveApp
) -> None:
    shop = shop_with_key(live.runtime, "ring-shop.test")
    context = new_context(browser)
    context.add_cookies([live.login_cookie(shop.shop_id)])  # type: ignore[list-item]
    page = context.new_page()
    page.goto(f"{live.url}/settings")
    expect(page.locator("#settings-version")).to_have_text("1")

    page.get_by_label("Hold period").fill("400")
    page.get_by_role("button", name="Save settings").click()

    error = page.locator("#hold_days-error")
    expect(error).to_have_text("hold_days must be between 0 and 365")
    expect(page.get_by_label("Hold period")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Hold period")).to_be_focused()
    client = live.app.test_client()
    assert client.get("/api/settings", headers=shop.headers).get_json()["version"] == 1
    context.close()
