"""In Chromium: the E-mails page lists the shop's messages and previews one, HTML and text."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.faces.live_server import LiveApp, new_context
from tests.faces.scenario import claim, referrer, shop_with_key

pytestmark = pytest.mark.browser


def test_emails_page_lists_messages_and_previews_one(browser: Browser, live: LiveApp) -> None:
    shop = shop_with_key(live.runtime, "ring-shop.test", name="Ring Shop")
    anna = referrer(live.runtime, shop.shop_id, "anna@example.com", "Anna")
    claim(live.runtime, shop.shop_id, anna, "bob@example.com")
    code = claim(live.runtime, shop.shop_id, anna, "carol@example.com")
    context = new_context(browser)
    context.add_cookies([live.login_cookie(shop.shop_id)])  # type: ignore[list-item]
    page = context.new_page()

    page.goto(f"{live.url}/emails")

    rows = page.locator("#emails tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("carol@example.com")
    expect(rows.first).to_contain_text("queued")
    expect(rows.first).to_contain_text("friend's code")
    rows.first.get_by_role("button", name="Preview").click()

    expect(page.locator("#preview-subject")).to_have_text("Your code for Ring Shop")
    expect(page.locator("#preview-text")).to_contain_text(code)
    frame = page.frame_locator("#preview-html")
    expect(frame.locator("p.code")).to_have_text(code)
    assert page.locator("#preview-html").get_attribute("sandbox") == ""
