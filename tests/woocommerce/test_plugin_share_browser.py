"""The plugin's thank-you panel in a real Chromium: the copy button copies and says so, and the
native share button appears only where the browser has the Web Share API, sharing the link."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from passiton.app.factory import create_app
from tests.conftest import RuntimeFactory
from tests.faces.live_server import new_context, serve
from tests.woocommerce.plugin_php import (
    ANNA,
    PLUGIN,
    placed_order,
    seed_store,
    storefront_request,
)

TEMPLATE = [
    "woocommerce/order-confirmation-status",
    "woocommerce/order-confirmation-summary",
]
STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}"
    ".passiton-refer{border:1px solid #ddd;border-radius:8px;padding:1rem 1.25rem;margin:1.5rem 0}"
    ".passiton-link input{width:100%;box-sizing:border-box;padding:.4rem}"
    ".button{display:inline-block;margin:.2rem .3rem .2rem 0;padding:.4rem .8rem;"
    "border:1px solid #333;border-radius:4px;background:#fff;color:#111;text-decoration:none;"
    "font:inherit;cursor:pointer}[data-passiton-copied]{color:#17663a;margin-left:.3rem}"
)
"""A theme's look, as a store gives it; `.button` sets `display`, as WooCommerce themes do."""
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Order received</title>
<style>{style}</style></head>
<body><h1>Order received</h1><p>Thank you. Your order has been received.</p>{panel}
<script src="/assets/passiton-share.js"></script></body></html>"""


@pytest.fixture
def store_page(make_runtime: RuntimeFactory, sqlite_url: str, tmp_path: Path) -> Iterator[str]:
    """The block thank-you page the plugin renders for a guest, and, at /launcher.html, a
    page whose footer holds the launcher for Anna (logged in); served with the script."""
    runtime = make_runtime(sqlite_url)
    shop_id, plugin_key = seed_store(runtime)
    with serve(runtime, create_app(runtime=runtime)) as live:
        settings = {"app_url": live.url, "shop_id": str(shop_id), "plugin_key": plugin_key}
        order = placed_order()
        thanks = storefront_request(
            ["block_thankyou", TEMPLATE],
            {"passiton_settings": settings},
            [order],
            get={"key": order["order_key"]},
            query_vars={"order-received": "17"},
        )
        footer = storefront_request(
            ["footer", None],
            {"passiton_settings": {**settings, "launcher": "1"}},
            user={"ID": 7, "user_email": ANNA["email"], "first_name": ANNA["first_name"]},
        )
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "passiton-share.js").write_bytes(
        (PLUGIN / "assets" / "passiton-share.js").read_bytes()
    )
    (tmp_path / "index.html").write_text(PAGE.format(style=STYLE, panel=thanks["html"]))
    (tmp_path / "launcher.html").write_text(PAGE.format(style=STYLE, panel=footer["html"]))
    handler = partial(_Quiet, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/index.html"
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_copy_copies_the_link_and_says_so(
    browser: Browser, store_page: str, tmp_path: Path
) -> None:
    context = new_context(browser, viewport={"width": 390, "height": 844})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(store_page)
    status = page.locator("[data-passiton-copied]")
    assert status.text_content() == ""

    page.get_by_role("button", name="Copy link").click()

    status.get_by_text("Copied").wait_for()
    link = page.get_by_label("Your link").input_value()
    assert link.startswith("http://passiton.test/r/")
    assert page.evaluate("navigator.clipboard.readText()") == link
    # docs/woocommerce-thankyou.png is this picture.
    page.screenshot(path=str(tmp_path / "woocommerce-thankyou.png"), full_page=True)


def test_the_share_button_shows_only_with_the_web_share_api(
    browser: Browser, store_page: str
) -> None:
    plain = new_context(browser).new_page()
    plain.add_init_script("delete Navigator.prototype.share")
    plain.goto(store_page)
    assert plain.get_by_role("button", name="Share…").count() == 0  # hidden: not in the tree

    context = new_context(browser)
    context.add_init_script(
        "navigator.share = (data) => { window.shared = data; return Promise.resolve(); }"
    )
    page = context.new_page()
    page.goto(store_page)
    page.get_by_role("button", name="Share…").click()
    shared = page.evaluate("window.shared")
    assert shared["url"] == page.get_by_label("Your link").input_value()
    assert "15% off your first order" in shared["text"]


def test_the_launcher_opens_the_panel_in_a_dialog_on_a_phone(
    browser: Browser, store_page: str
) -> None:
    page = new_context(browser, viewport={"width": 390, "height": 844}).new_page()
    page.goto(store_page.replace("index.html", "launcher.html"))
    dialog = page.get_by_role("dialog", name="Refer a friend")
    assert dialog.count() == 0  # closed until asked

    page.get_by_role("button", name="Refer a friend").click()

    dialog.wait_for()
    assert dialog.get_by_label("Your link").input_value() == "http://passiton.test/r/ANNA-7K2Q"
    dialog.get_by_role("button", name="Close").click()
    dialog.wait_for(state="hidden")
