"""A real HTTP server for the browser tests, and a Chromium that talks to it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from playwright.sync_api import Browser, BrowserContext, sync_playwright
from werkzeug.serving import make_server

from passiton.app.runtime import Runtime

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@dataclass(frozen=True)
class LiveApp:
    runtime: Runtime
    app: Flask
    url: str

    def login_cookie(self, shop_id: int, csrf: str = "browser-csrf") -> dict[str, str]:
        """The session cookie of a merchant logged in to `shop_id`, as Flask would sign it."""
        serializer = self.app.session_interface.get_signing_serializer(self.app)  # type: ignore[attr-defined]
        assert serializer is not None
        value = serializer.dumps({"shop_id": shop_id, "csrf_token": csrf})
        return {"name": "session", "value": value, "url": self.url}


@contextmanager
def serve(runtime: Runtime, app: Flask) -> Iterator[LiveApp]:
    """Serve `app` on a free local port in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveApp(runtime, app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium; a missing binary fails the test rather than skipping it."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_context(browser: Browser, **options: object) -> BrowserContext:
    """A fresh browser profile that refuses to reach anything outside this machine."""
    context = browser.new_context(**options)  # type: ignore[arg-type]
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
        ),
    )
    return context
