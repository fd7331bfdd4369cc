"""In Chromium: the storefront widget refreshes from widget.json and redeems points."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, Route, expect

from passiton.app.widget_page import render_widget_page
from tests.faces.live_server import LiveApp, new_context
from tests.faces.widget_samples import sample_widget

pytestmark = pytest.mark.browser


def test_widget_refreshes_points_and_redeems_once_per_submission(
    browser: Browser, live: LiveApp
) -> None:
    # The app proxy itself belongs to the Shopify connector; here a stub plays its part.
    with live.app.test_request_context():
        html = render_widget_page(
            sample_widget(), script_url=f"{live.url}/static/widget.js", api_base="./"
        )
    fresh = sample_widget()
    assert fresh["customer"] is not None
    fresh["customer"]["points_available"] = 3000
    redeemed: list[dict[str, object]] = []

    def proxy(route: Route) -> None:
        url = route.request.url
        if url.endswith("/apps/passiton/"):
            route.fulfill(content_type="text/html", body=html)
        elif url.endswith("/widget.json"):
            route.fulfill(content_type="application/json", body=json.dumps(fresh))
        elif url.endswith("/redeem"):
            redeemed.append(json.loads(route.request.post_data or "{}"))
            route.fulfill(
                content_type="application/json",
                body=json.dumps(
                    {"reward": {"kind": "reward", "code": "PTN-R-NEW1", "amount": "10.00",
                                "currency": "EUR"}}
                ),
            )  # fmt: skip
        else:
            route.continue_()

    context = new_context(browser)
    page = context.new_page()
    page.route(f"{live.url}/apps/passiton/**", proxy)
    page.goto(f"{live.url}/apps/passiton/")

    expect(page.locator('[data-field="points_available"]')).to_have_text("3,000")
    page.get_by_label("Points for a discount code for you").fill("100")
    page.get_by_role("button", name="Get my code").click()
    expect(page.locator("#pw-reward-result")).to_contain_text("at least 500")
    assert redeemed == []

    page.get_by_label("Points for a discount code for you").fill("1000")
    page.get_by_role("button", name="Get my code").click()

    expect(page.locator("#pw-reward-result")).to_have_text("Your code: PTN-R-NEW1 (10.00 EUR)")
    assert len(redeemed) == 1
    assert redeemed[0]["points"] == 1000
    assert redeemed[0]["kind"] == "reward"
    assert isinstance(redeemed[0]["idempotency_key"], str)
    context.close()
