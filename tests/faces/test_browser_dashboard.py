"""In Chromium: the dashboard shows the numbers, draws its chart and handles the review queue."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from passiton.core.events import ShopFacts
from passiton.core.services.shop_facts import apply_shop_facts
from tests.faces.live_server import LiveApp, new_context
from tests.faces.scenario import claim, converted_referral, friend_orders, referrer, shop_with_key

pytestmark = pytest.mark.browser
API_KEY = re.compile(r"^pk_[0-9a-f]{8}_\S+$")


def test_dashboard_renders_stats_chart_and_tables(browser: Browser, live: LiveApp) -> None:
    shop = shop_with_key(live.runtime, "ring-shop.test", name="Ring Shop")
    anna = referrer(live.runtime, shop.shop_id, "anna@example.com", "Anna", shipping="1 main st")
    converted_referral(live.runtime, shop.shop_id, anna, "bob@example.com", "1001", "80.00")
    claim(live.runtime, shop.shop_id, anna, "carol@example.com")
    dave = claim(live.runtime, shop.shop_id, anna, "dave@example.com")
    friend_orders(
        live.runtime, shop.shop_id, "1003", "dave@example.com", dave, "40", shipping="1 main st"
    )
    context = new_context(browser)
    context.add_cookies([live.login_cookie(shop.shop_id)])  # type: ignore[list-item]
    page = context.new_page()

    page.goto(f"{live.url}/dashboard")

    expect(page.locator('[data-stat="claimed"]')).to_have_text("3")
    expect(page.locator('[data-stat="ordered"]')).to_have_text("2")
    expect(page.locator('[data-stat="in_review"]')).to_have_text("1")
    expect(page.locator('[data-stat="reversed"]')).to_have_text("0")
    # Only Bob's order counts: Dave's waits for review, Carol has not ordered.
    expect(page.locator('[data-stat="conversion_rate"]')).to_have_text("33.3%")
    expect(page.locator('[data-stat="referred_revenue"]')).to_have_text("$80.00")
    plot = page.locator("#chart .chart-plot")
    expect(plot.locator("canvas")).to_be_visible()
    expect(plot).to_have_attribute(
        "aria-label", "3 referrals and $80.00 referred revenue over 30 days"
    )
    assert _painted_pixels(page) > 0
    rows = page.locator("#chart tbody tr")
    expect(rows).to_have_count(30)
    today = rows.last
    expect(today.locator("[data-referrals]")).to_have_attribute("data-referrals", "3")
    expect(today.locator("[data-revenue]")).to_have_text("$80.00")
    expect(page.locator("#top-referrers")).to_contain_text("Anna")
    expect(page.locator("#referrals tr")).to_have_count(3)

    page.get_by_label("Search by friend e-mail, order or status").fill("carol")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#referrals tr")).to_have_count(1)
    expect(page.locator("#referrals")).to_contain_text("carol@example.com")

    page.get_by_label("Reason for your decision").fill("Siblings; checked")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#review-queue")).to_have_text("Nothing to review.")
    decided = live.app.test_client().get("/api/referrals?q=dave", headers=shop.headers)
    assert decided.get_json()["referrals"][0]["status"] == "pending"
    context.close()


def test_a_german_shops_dashboard_writes_its_script_labels_and_money_in_german(
    browser: Browser, live: LiveApp
) -> None:
    shop = shop_with_key(live.runtime, "ring-shop.test", name="Ring Shop")
    german = ShopFacts(locale="de", timezone="Europe/Berlin")
    live.runtime.db.run(lambda s: apply_shop_facts(s, shop.shop_id, german, datetime.now(UTC)))
    anna = referrer(live.runtime, shop.shop_id, "anna@example.com", "Anna", shipping="1 main st")
    converted_referral(live.runtime, shop.shop_id, anna, "bob@example.com", "1001", "80.00")
    dave = claim(live.runtime, shop.shop_id, anna, "dave@example.com")
    friend_orders(
        live.runtime, shop.shop_id, "1003", "dave@example.com", dave, "40", shipping="1 main st"
    )
    context = new_context(browser)
    context.add_cookies([live.login_cookie(shop.shop_id)])  # type: ignore[list-item]
    page = context.new_page()

    page.goto(f"{live.url}/dashboard")

    expect(page.locator('[data-stat="conversion_rate"]')).to_have_text("50,0\xa0%")
    expect(page.locator('[data-stat="referred_revenue"]')).to_have_text("80,00\xa0$")
    expect(page.locator("#referrals-pager span")).to_have_text("Seite 1 von 1 · 2 Zeilen")
    page.get_by_label("Grund für deine Entscheidung").fill("Geschwister; geprüft")
    page.get_by_role("button", name="Genehmigen").click()
    expect(page.locator("#review-queue")).to_have_text("Nichts zu prüfen.")
    context.close()


def test_new_api_key_is_shown_once_and_can_be_revoked(browser: Browser, live: LiveApp) -> None:
    shop = shop_with_key(live.runtime, "ring-shop.test")
    context = new_context(browser)
    context.add_cookies([live.login_cookie(shop.shop_id)])  # type: ignore[list-item]
    page = context.new_page()
    page.goto(f"{live.url}/dashboard")
    expect(page.locator("#keys tr")).to_have_count(1)

    page.get_by_label("Name of a new key").fill("Zapier")
    page.get_by_role("button", name="Create key").click()

    secret = page.locator("#new-key-secret")
    expect(secret).to_have_text(API_KEY)
    key = secret.text_content() or ""
    client = live.app.test_client()
    assert (
        client.get("/api/settings", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    )
    expect(page.locator("#keys tr")).to_have_count(2)
    page.get_by_role("button", name="Revoke key Zapier").click()
    expect(page.locator("#keys")).to_contain_text("revoked")
    assert (
        client.get("/api/settings", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    )
    page.reload()
    expect(page.locator("#keys")).not_to_contain_text(key)
    context.close()


def _painted_pixels(page: Page) -> int:
    """Non-transparent pixels on the chart's canvas: zero if uPlot drew nothing."""
    return int(
        page.evaluate(
            """() => {
              const canvas = document.querySelector('#chart canvas');
              const context = canvas.getContext('2d');
              const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
              let painted = 0;
              for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted += 1;
              return painted;
            }"""
        )
    )
