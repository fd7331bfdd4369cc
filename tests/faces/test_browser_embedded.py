"""In Chromium: embedded in the Shopify admin, pages authenticate with App Bridge's token."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Route, expect

from passiton.app.factory import create_app
from passiton.app.web.merchant.pages import APP_BRIDGE_URL
from tests.conftest import RuntimeFactory
from tests.faces.live_server import new_context, serve
from tests.faces.scenario import shop_with_key

pytestmark = pytest.mark.browser
ADMIN_QUERY = "shop=ring-shop.myshopify.com&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvcmluZw"


def test_embedded_settings_page_sends_the_session_token_as_bearer(
    browser: Browser, make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime = make_runtime(sqlite_url, shopify_api_key="client-id-123")
    app = create_app(runtime=runtime)
    shop = shop_with_key(runtime, "ring-shop.test")
    seen_auth: list[str] = []

    def app_bridge(route: Route) -> None:
        # Stands in for Shopify's App Bridge: its idToken() is what the page must send. A
        # per-shop API key is a bearer credential the server accepts, so it plays the token.
        route.fulfill(
            content_type="text/javascript",
            body=f"window.shopify = {{ idToken: async () => {shop.key!r} }};",
        )

    with serve(runtime, app) as live:
        context = new_context(browser)
        page = context.new_page()
        page.route(APP_BRIDGE_URL, app_bridge)
        page.on(
            "request",
            lambda r: (
                seen_auth.append(r.headers.get("authorization", "")) if "/api/" in r.url else None
            ),
        )
        page.goto(f"{live.url}/settings?{ADMIN_QUERY}")
        expect(page.locator("#settings-version")).to_have_text("1")
        page.get_by_label("Hold period").fill("14")
        page.get_by_role("button", name="Save settings").click()
        expect(page.locator("#toast")).to_have_text("Saved. Settings version 2.")
        context.close()

    assert seen_auth
    assert set(seen_auth) == {f"Bearer {shop.key}"}
    body = app.test_client().get("/api/settings", headers=shop.headers).get_json()
    assert body["settings"]["hold_days"] == 14
