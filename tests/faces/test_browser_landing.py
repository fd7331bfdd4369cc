"""In Chromium on a phone-sized screen: a friend opens a link, claims, and lands in the store."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Route, expect
from sqlalchemy import select

from passiton.core.models import FriendCode, Platform, Referral
from tests.faces.live_server import LiveApp, new_context
from tests.faces.scenario import referrer, shop_with_key

pytestmark = pytest.mark.browser
STORE = "ring-shop.myshopify.com"


def test_friend_claims_on_a_phone_and_is_sent_to_the_store_with_the_code(
    browser: Browser, live: LiveApp
) -> None:
    shop = shop_with_key(live.runtime, STORE, platform=Platform.SHOPIFY, name="Ring Shop")
    code = referrer(live.runtime, shop.shop_id, "anna@example.com", "Anna")
    context = new_context(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    store_requests: list[str] = []

    def stub_store(route: Route) -> None:
        # The store is never reached: a stub page stands in for it.
        store_requests.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Ring Shop storefront</h1>")

    page.route(f"https://{STORE}/**", stub_store)

    page.goto(f"{live.url}/r/{code}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Anna gave you 15% off your first order"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Your e-mail address").fill("bob@example.com")
    page.get_by_role("button", name="Get my discount").click()

    expect(page.get_by_role("heading")).to_have_text("Ring Shop storefront")
    with live.runtime.db.sessions() as session:
        friend_code = session.scalar(
            select(FriendCode.code)
            .join(Referral, Referral.friend_code_id == FriendCode.id)
            .where(Referral.friend_email == "bob@example.com")
        )
    assert friend_code is not None
    expected = f"https://{STORE}/discount/{friend_code}?redirect=/"
    assert page.url == expected
    assert store_requests == [expected]
    context.close()


def test_friend_sees_a_clear_error_for_a_bad_address_on_a_phone(
    browser: Browser, live: LiveApp
) -> None:
    shop = shop_with_key(live.runtime, STORE, platform=Platform.SHOPIFY, name="Ring Shop")
    code = referrer(live.runtime, shop.shop_id, "anna@example.com", "Anna")
    context = new_context(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live.url}/r/{code}")

    page.get_by_label("Your e-mail address").fill("bob@")
    page.keyboard.press("Enter")

    expect(page.get_by_role("alert")).to_have_text(re.compile("valid e-mail address"))
    expect(page).to_have_url(f"{live.url}/r/{code}")
    context.close()
