"""Take the README's screenshots: settings page, dashboard and the friend landing page.

Run from the repository root: `PYTHONPATH=. python docs/screenshots.py`. It builds a throwaway
SQLite database with a demo shop, serves the app locally and drives Debian's Chromium.
"""

from __future__ import annotations

import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import update

from passiton.app import migrate
from passiton.app.config import Settings
from passiton.app.factory import create_app
from passiton.app.runtime import Runtime, build_runtime
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import Platform, Referral
from tests.faces.live_server import chromium, new_context, serve
from tests.faces.scenario import claim, friend_orders, referrer, shop_with_key

OUT = Path(__file__).parent
FRIENDS = ["mia", "noah", "lena", "omar", "ines", "paul", "yuki", "sara", "tom", "eva"]


def main() -> None:
    """Seed a demo shop and write the three PNGs next to this script."""
    workdir = Path(tempfile.mkdtemp(prefix="passiton-shots-"))
    url = f"sqlite:///{workdir / 'demo.db'}"
    migrate.upgrade(url)
    settings = Settings(
        database_url=url,
        queue_url=f"sqlite:///{workdir / 'queue.db'}",
        app_url="http://127.0.0.1",
        secret_key="screenshots-only",  # noqa: S106 -- a throwaway demo database
        var_dir=workdir,
        immediate_tasks=True,
    )
    runtime = build_runtime(settings, stores=FakeStoreDirectory())
    shop = shop_with_key(runtime, "ring-shop.myshopify.com", Platform.SHOPIFY, "Ring Shop")
    app = create_app(runtime=runtime)
    _seed(runtime, shop.shop_id, app.test_client())
    anna = referrer(runtime, shop.shop_id, "anna@example.com", "Anna")
    with serve(runtime, app) as live, chromium() as browser:
        context = new_context(browser, viewport={"width": 1280, "height": 900})
        context.add_cookies([live.login_cookie(shop.shop_id)])  # type: ignore[list-item]
        page = context.new_page()
        page.goto(f"{live.url}/settings")
        page.locator("#settings-version").filter(has_text="1").wait_for()
        page.screenshot(path=str(OUT / "settings.png"), full_page=True)
        page.goto(f"{live.url}/dashboard")
        page.locator("#chart svg circle.point").first.wait_for()
        page.locator("#referrals tr").first.wait_for()
        page.screenshot(path=str(OUT / "dashboard.png"), full_page=True)
        phone = new_context(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
        friend = phone.new_page()
        friend.goto(f"{live.url}/r/{anna}")
        friend.screenshot(path=str(OUT / "landing.png"), full_page=True)
    runtime.close()


def _seed(runtime: Runtime, shop_id: int, client: FlaskClient) -> None:
    rng = random.Random(7)  # noqa: S311 -- demo data, not security
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    referrers = [
        referrer(runtime, shop_id, f"{name}@example.com", name.title(), shipping=f"{i} road")
        for i, name in enumerate(("julia", "marco", "sofia", "ben"))
    ]
    n = 0
    for days_ago in range(29, -1, -1):
        for _ in range(rng.randint(0, 3)):
            n += 1
            code = rng.choice(referrers[: rng.randint(1, 4)])
            for _ in range(rng.randint(1, 4)):
                client.get(f"/r/{code}")
            email = f"{rng.choice(FRIENDS)}{n}@example.com"
            friend_code = claim(runtime, shop_id, code, email)
            when = today - timedelta(days=days_ago)
            if rng.random() < 0.6:
                subtotal = f"{rng.randint(40, 400)}.00"
                friend_orders(
                    runtime, shop_id, str(5000 + n), email, friend_code, subtotal, now=when
                )
            with runtime.db.transaction() as session:
                session.execute(
                    update(Referral).where(Referral.friend_email == email).values(created_at=when)
                )
    # One flagged referral, so the review queue has something in it.
    flagged = claim(runtime, shop_id, referrers[0], "cousin@example.com")
    friend_orders(
        runtime, shop_id, "7001", "cousin@example.com", flagged, "120.00", shipping="0 road"
    )


if __name__ == "__main__":
    main()
