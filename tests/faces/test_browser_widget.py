"""In Chromium: a shopper opens the widget through a stand-in for Shopify's app proxy and redeems.

The browser only ever sees the storefront (`https://{shop}/apps/passiton…`) and the app's public
URL; the test plays Shopify's part by forwarding each storefront request to `/proxy/…` with
freshly signed parameters, as Shopify does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Route, expect

from passiton.app.factory import create_app
from passiton.core.models import Customer, Platform
from passiton.core.services.shops import install_shop
from tests.conftest import RuntimeFactory
from tests.faces.live_server import LiveApp, new_context, serve
from tests.shopify.app_requests import proxy_query
from tests.shopify.proxy.shoppers import ANNA, balance, give_points, written_rows
from tests.shopify.shopify_data import SHOP

pytestmark = pytest.mark.browser
APP_URL = "https://passiton.test"
STOREFRONT = f"https://{SHOP}/apps/passiton"


@pytest.fixture
def proxied(make_runtime: RuntimeFactory, sqlite_url: str) -> Iterator[LiveApp]:
    # The app's public URL is https, as in production: the storefront page loads its script
    # from there, and Chromium would block an http script on an https page.
    runtime = make_runtime(sqlite_url, app_url=APP_URL)
    with serve(runtime, create_app(runtime=runtime)) as served:
        yield served


def test_shopper_sees_link_and_points_and_redeems_once(browser: Browser, proxied: LiveApp) -> None:
    runtime = proxied.runtime
    shop_id = runtime.db.run(lambda s: install_shop(s, platform=Platform.SHOPIFY, domain=SHOP).id)
    anna = give_points(runtime, shop_id, ANNA, 1500)
    forwarded: list[tuple[str, str]] = []

    def shopify_app_proxy(route: Route) -> None:
        path = urlsplit(route.request.url).path.removeprefix("/apps/passiton")
        forwarded.append((route.request.method, path))
        target = f"{proxied.url}/proxy{path}?{proxy_query(customer=ANNA)}"
        route.fulfill(response=route.fetch(url=target))

    def app_host(route: Route) -> None:
        path = urlsplit(route.request.url).path
        route.fulfill(response=route.fetch(url=f"{proxied.url}{path}"))

    context = new_context(browser)
    page = context.new_page()
    page.route(f"{STOREFRONT}**", shopify_app_proxy)
    page.route(f"{APP_URL}/**", app_host)

    # Without a trailing slash, as the storefront links to it.
    page.goto(STOREFRONT)

    with runtime.db.sessions() as session:
        customer = session.get(Customer, anna)
        assert customer is not None
        code = customer.referral_code
    expect(page.get_by_label("Your referral link")).to_have_value(f"{APP_URL}/r/{code}?ch=copy")
    expect(page.locator('[data-field="points_available"]')).to_have_text("1,500")
    expect(page.locator('[data-field="available_value"]')).to_have_text("$15.00")

    page.get_by_label("Points for a discount code for you").fill("1000")
    page.get_by_role("button", name="Get my code").click()

    expect(page.locator("#pw-reward-result")).to_have_text(
        re.compile(r"^Your code: \S+ \(\$10\.00\)$")
    )
    # The page refreshed itself from widget.json after the redemption.
    expect(page.locator('[data-field="points_available"]')).to_have_text("500")
    expect(page.locator('[data-list="rewards"] td.pw-code')).to_have_count(1)
    assert forwarded.count(("POST", "/redeem")) == 1
    assert ("GET", "/widget.json") in forwarded
    assert balance(runtime, anna) == 500
    assert written_rows(runtime)[2] == 1
    context.close()
