"""In Chromium: the parcel card prints on one A6 page, with the buyer's QR code for `ch=card`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from passiton.app.runtime import Runtime
from tests.faces.live_server import LiveApp, new_context
from tests.faces.scenario import referrer, shop_with_key

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs"
A6_POINTS = (297.6, 419.5)


def _customer_id(runtime: Runtime, code: str) -> int:
    from sqlalchemy import select

    from passiton.core.models import Customer

    with runtime.db.sessions() as session:
        found = session.scalar(select(Customer.id).where(Customer.referral_code == code))
    assert found is not None
    return found


def test_the_card_prints_on_one_a6_page(browser: Browser, live: LiveApp) -> None:
    shop = shop_with_key(live.runtime, "ring-shop.myshopify.com", name="Ring Shop")
    code = referrer(live.runtime, shop.shop_id, "anna@example.com", "Anna")
    context = new_context(browser, extra_http_headers=shop.headers)
    page = context.new_page()

    page.goto(f"{live.url}/api/cards/{_customer_id(live.runtime, code)}")

    assert page.get_by_role("heading", name="A gift for a friend of yours").is_visible()
    assert page.get_by_text("your friend gets 15% off their first order").is_visible()
    assert page.get_by_text("Ring Shop").first.is_visible()
    page.screenshot(path=str(DOCS / "parcel-card.png"), full_page=True)
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box is not None
    size = (float(box.group(1)), float(box.group(2)))
    assert size == pytest.approx(A6_POINTS, abs=1.5)
