"""In Chromium: labels on every control, keyboard-only use and a visible focus ring."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from passiton.core.models import Platform
from tests.faces.live_server import LiveApp, new_context
from tests.faces.scenario import referrer, shop_with_key

pytestmark = pytest.mark.browser
UNLABELLED = """() => [...document.querySelectorAll('input, textarea, select')]
  .filter((el) => el.type !== 'hidden' && el.labels.length === 0 && !el.getAttribute('aria-label'))
  .map((el) => el.id || el.name)"""


def _focus_ring(page: Page) -> str:
    return str(page.evaluate("getComputedStyle(document.activeElement).outlineStyle"))


def test_friend_can_claim_with_the_keyboard_alone(browser: Browser, live: LiveApp) -> None:
    store = "ring-shop.myshopify.com"
    shop = shop_with_key(live.runtime, store, platform=Platform.SHOPIFY)
    code = referrer(live.runtime, shop.shop_id, "anna@example.com", "Anna")
    context = new_context(browser, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.route(f"https://{store}/**", _store_stub)
    page.goto(f"{live.url}/r/{code}")
    assert page.evaluate(UNLABELLED) == []

    page.keyboard.press("Tab")
    expect(page.get_by_label("Your e-mail address")).to_be_focused()
    assert _focus_ring(page) == "solid"
    page.keyboard.type("bob@example.com")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Get my discount")).to_be_focused()
    assert _focus_ring(page) == "solid"
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading")).to_have_text("store")
    assert page.url.startswith(f"https://{store}/discount/")
    context.close()


def _store_stub(route: Route) -> None:
    route.fulfill(content_type="text/html", body="<h1>store</h1>")


def test_merchant_pages_label_every_control(browser: Browser, live: LiveApp) -> None:
    shop = shop_with_key(live.runtime, "ring-shop.test")
    context = new_context(browser)
    context.add_cookies([live.login_cookie(shop.shop_id)])  # type: ignore[list-item]
    page = context.new_page()
    for path in ("/settings", "/dashboard"):
        page.goto(f"{live.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate(UNLABELLED) == [], path
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    assert _focus_ring(page) == "solid"
    context.close()
