"""In Chromium: a merchant adds a webhook endpoint, sends a test event and sees it in the log."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from passiton.app.factory import create_app
from tests.conftest import RuntimeFactory
from tests.faces.live_server import LiveApp, new_context, serve
from tests.faces.scenario import referrer, shop_with_key
from tests.outbound.receiver import running_receiver

pytestmark = pytest.mark.browser


@pytest.fixture
def live_hooks(make_runtime: RuntimeFactory, sqlite_url: str) -> Iterator[LiveApp]:
    # The receiver runs on loopback, as in development.
    runtime = make_runtime(sqlite_url, hooks_allow_private=True)
    with serve(runtime, create_app(runtime=runtime)) as served:
        yield served


def test_merchant_adds_an_endpoint_and_sees_the_deliveries_in_the_log(
    browser: Browser, live_hooks: LiveApp
) -> None:
    live = live_hooks
    shop = shop_with_key(live.runtime, "ring-shop.test", name="Ring Shop")
    context = new_context(browser)
    context.add_cookies([live.login_cookie(shop.shop_id)])  # type: ignore[list-item]
    page = context.new_page()
    with running_receiver() as receiver:
        page.goto(f"{live.url}/settings")
        page.get_by_role("link", name="Webhooks").click()
        expect(page.get_by_role("heading", name="Webhooks", level=1)).to_be_visible()
        expect(page.get_by_text("Nothing sent yet.")).to_be_visible()

        page.get_by_label("Address (https)").fill(receiver.url)
        page.get_by_label("A friend claimed their code").uncheck()
        page.get_by_role("button", name="Add endpoint").click()

        secret = page.locator("#new-secret .code")
        expect(secret).to_have_text(re.compile(r"^whsec_[A-Za-z0-9_-]{40,}$"))
        expect(page.locator("#endpoints")).to_contain_text(receiver.url)
        expect(page.locator("#endpoints")).not_to_contain_text("friend.claimed")

        referrer(live.runtime, shop.shop_id, "anna@example.com", "Anna")
        page.get_by_role("button", name="Send a test event").click()

        rows = page.locator("#deliveries tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("test")
        expect(rows.nth(1)).to_contain_text("link.created")
        expect(page.locator("#deliveries [data-status=delivered]")).to_have_count(2)
        expect(page.locator("#new-secret")).to_have_count(0)
    assert [r.headers["X-Passiton-Event"] for r in receiver.received] == ["link.created", "test"]
    context.close()
