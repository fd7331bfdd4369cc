"""In Chromium: the E-mails page lists the shop's messages and previews one, HTML and text."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from passiton.core.models import Shop
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


def test_mail_settings_save_and_send_me_a_test(browser: Browser, live: LiveApp) -> None:
    shop = shop_with_key(live.runtime, "ring-shop.test", name="Ring Shop")
    with live.runtime.db.transaction() as session:
        session.get_one(Shop, shop.shop_id).contact_email = "owner@ring-shop.example"
    context = new_context(browser)
    context.add_cookies([live.login_cookie(shop.shop_id)])  # type: ignore[list-item]
    page = context.new_page()
    page.goto(f"{live.url}/emails")
    expect(page.get_by_label("A reminder")).to_be_checked()

    page.get_by_label("Sender name").fill("Ring Shop Team")
    page.get_by_label("A reminder").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#toast")).to_have_text("Mail settings saved.")
    page.get_by_role("button", name="Send me a test").click()

    expect(page.locator("#toast")).to_have_text("Test message sent to owner@ring-shop.example.")
    expect(page.locator("#emails tr").first).to_contain_text("owner@ring-shop.example")
    expect(page.locator("#emails tr").first).to_contain_text("sent")
    page.reload()
    expect(page.get_by_label("Sender name")).to_have_value("Ring Shop Team")
    expect(page.get_by_label("A reminder")).not_to_be_checked()
    expect(page.get_by_label("The friend's code")).to_be_checked()
