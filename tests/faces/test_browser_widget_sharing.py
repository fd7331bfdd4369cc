"""In Chromium on a phone: the widget's share buttons carry the buyer's message and a channel each.

The widget is opened as in test_browser_widget.py, through a stand-in for Shopify's app proxy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from passiton.app.factory import create_app
from passiton.core.models import Customer, Platform
from passiton.core.services.shops import install_shop
from tests.conftest import RuntimeFactory
from tests.faces.live_server import LiveApp, new_context, serve
from tests.shopify.app_requests import proxy_query
from tests.shopify.proxy.shoppers import ANNA, give_points
from tests.shopify.shopify_data import SHOP

pytestmark = pytest.mark.browser
APP_URL = "https://passiton.test"
STOREFRONT = f"https://{SHOP}/apps/passiton"
DOCS = Path(__file__).resolve().parents[2] / "docs"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def proxied(make_runtime: RuntimeFactory, sqlite_url: str) -> Iterator[LiveApp]:
    runtime = make_runtime(sqlite_url, app_url=APP_URL)
    with serve(runtime, create_app(runtime=runtime)) as served:
        yield served


def _widget(browser: Browser, proxied: LiveApp) -> tuple[Page, str]:
    """Anna's widget on a phone; returns the page and her referral code."""
    runtime = proxied.runtime
    shop_id = runtime.db.run(
        lambda s: install_shop(s, platform=Platform.SHOPIFY, domain=SHOP, name="Ring Shop").id
    )
    anna = give_points(runtime, shop_id, ANNA, 0)
    with runtime.db.sessions() as session:
        customer = session.get(Customer, anna)
        assert customer is not None
        code = customer.referral_code

    def shopify_app_proxy(route: Route) -> None:
        path = urlsplit(route.request.url).path.removeprefix("/apps/passiton")
        target = f"{proxied.url}/proxy{path}?{proxy_query(customer=ANNA)}"
        route.fulfill(response=route.fetch(url=target))

    def app_host(route: Route) -> None:
        parts = urlsplit(route.request.url)
        route.fulfill(response=route.fetch(url=f"{proxied.url}{parts.path}?{parts.query}"))

    context = new_context(browser, **PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=f"https://{SHOP}")
    page = context.new_page()
    page.route(f"{STOREFRONT}**", shopify_app_proxy)
    page.route(f"{APP_URL}/**", app_host)
    page.goto(STOREFRONT)
    return page, code


def _text_of(href: str, key: str) -> str:
    return parse_qs(urlsplit(href).query)[key][0]


def test_each_share_button_carries_the_message_and_its_own_channel(
    browser: Browser, proxied: LiveApp
) -> None:
    page, code = _widget(browser, proxied)
    link = f"{APP_URL}/r/{code}"

    message = page.get_by_label("Your message")
    expect(message).to_have_value("Here is 15% off your first order at Ring Shop:")
    message.fill("Try the rings, love!")

    whatsapp = page.get_by_role("link", name="WhatsApp").get_attribute("href") or ""
    sms = page.get_by_role("link", name="Text message").get_attribute("href") or ""
    mail = page.get_by_role("link", name="E-mail").get_attribute("href") or ""
    assert whatsapp.startswith("https://wa.me/?text=")
    assert _text_of(whatsapp, "text") == f"Try the rings, love! {link}?ch=whatsapp"
    assert sms.startswith("sms:?&body=")
    assert _text_of(sms.replace("sms:", "sms://x"), "body") == f"Try the rings, love! {link}?ch=sms"
    assert _text_of(mail.replace("mailto:", "mailto://x"), "body") == (
        f"Try the rings, love! {link}?ch=mail"
    )
    assert (
        _text_of(mail.replace("mailto:", "mailto://x"), "subject")
        == "A gift for you from Ring Shop"
    )
    for href in (whatsapp, sms, mail):
        assert "point" not in href.lower()


def test_copy_puts_the_copy_link_on_the_clipboard_and_says_so(
    browser: Browser, proxied: LiveApp
) -> None:
    page, code = _widget(browser, proxied)

    page.get_by_role("button", name="Copy").click()

    expect(page.get_by_role("status").filter(has_text="Link copied.")).to_be_visible()
    expect(page.locator("#pw-copied")).to_have_attribute("aria-live", "polite")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{APP_URL}/r/{code}?ch=copy"


def test_the_qr_code_shows_and_downloads_from_the_app(browser: Browser, proxied: LiveApp) -> None:
    page, code = _widget(browser, proxied)

    image = page.get_by_role("img", name="QR code of your referral link")

    expect(image).to_have_attribute("src", f"{APP_URL}/r/{code}/qr.svg")
    page.wait_for_function(
        "document.querySelector('.pw-qr img').complete"
        " && document.querySelector('.pw-qr img').naturalWidth > 0"
    )
    download = page.get_by_role("link", name="Download the QR code")
    expect(download).to_have_attribute("href", f"{APP_URL}/r/{code}/qr.png?download")
    page.locator(".pw-share").screenshot(path=str(DOCS / "widget-share.png"))
