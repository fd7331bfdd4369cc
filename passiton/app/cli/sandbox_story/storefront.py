"""What Shopify and shoppers send to Passiton during a sandbox run, through its real HTTP app.

The merchant's install goes through the sandbox's authorize page (which signs the callback
like Shopify), storefront widget calls are signed like Shopify's app proxy signs them, and
friends claim codes on Passiton's landing page (on either platform).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any
from urllib.parse import SplitResult, parse_qs, urlencode, urlsplit

import requests
from flask import Flask
from flask.testing import FlaskClient

from passiton.app.cli.sandbox_story.story import expect
from passiton.sandbox.webhook_sender import Transport


def path_of(url: str) -> str:
    """`/path?query` of an absolute URL (the test client takes paths)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def install_shopify_shop(web: FlaskClient, shop: str) -> None:
    """Install from the admin: Passiton → sandbox authorize page → signed callback."""
    started = web.get(f"/shopify/install?shop={shop}")
    expect(started.status_code == 302, f"/shopify/install answered {started.status_code}")
    # The merchant approves on the sandbox's authorize page, a real HTTP request.
    approved = requests.get(started.headers["Location"], allow_redirects=False, timeout=5)
    expect(approved.status_code == 302, f"authorize page answered {approved.status_code}")
    callback = web.get(path_of(approved.headers["Location"]))
    expect(callback.status_code == 302, f"/shopify/callback answered {callback.status_code}")


def proxy_query(shop: str, customer_id: int, secret: str) -> str:
    """An app proxy query as Shopify signs it: sorted `k=v`, no separator, hex HMAC."""
    params = {
        "shop": shop,
        "logged_in_customer_id": str(customer_id),
        "path_prefix": "/apps/passiton",
        "timestamp": str(int(time.time())),
    }
    message = "".join(f"{k}={v}" for k, v in sorted(params.items()))
    signed = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return urlencode({**params, "signature": signed})


def widget(web: FlaskClient, shop: str, customer_id: int, secret: str) -> dict[str, Any]:
    """The storefront widget's data for a logged-in customer."""
    answer = web.get(f"/proxy/widget.json?{proxy_query(shop, customer_id, secret)}")
    expect(answer.status_code == 200, f"widget answered {answer.status_code}")
    data = answer.get_json()
    assert isinstance(data, dict)
    return data


def redeem(
    web: FlaskClient, shop: str, customer_id: int, secret: str, points: int
) -> dict[str, Any]:
    """The customer turns points into a reward code from the widget."""
    answer = web.post(
        f"/proxy/redeem?{proxy_query(shop, customer_id, secret)}",
        json={
            "points": points,
            "kind": "reward",
            "idempotency_key": f"sandbox-redeem-{customer_id}",
        },
    )
    expect(answer.status_code == 200, f"redeem answered {answer.status_code}")
    data = answer.get_json()
    assert isinstance(data, dict)
    return data


def claim(web: FlaskClient, link_code: str, email: str) -> str:
    """A friend opens the link, enters an e-mail and is sent to the store with a code."""
    target = claim_target(web, link_code, email)
    expect(parse_qs(target.query) == {"redirect": ["/"]}, "claim did not redirect to the store")
    return target.path.removeprefix("/discount/")


def claim_target(web: FlaskClient, link_code: str, email: str) -> SplitResult:
    """Open `/r/<code>`, claim with `email`, and return where Passiton sends the friend."""
    page = web.get(f"/r/{link_code}")
    expect(page.status_code == 200, f"/r/{link_code} answered {page.status_code}")
    answer = web.post(f"/r/{link_code}", data={"email": email})
    expect(answer.status_code == 303, f"claim answered {answer.status_code}")
    return urlsplit(answer.headers["Location"])


def flask_transport(web: FlaskClient) -> Transport:
    """A webhook transport that posts into the Flask app (no network needed)."""

    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        return web.post(path_of(url), data=body, headers=headers).status_code

    return post


def app_transport(app: Flask) -> Transport:
    """Like `flask_transport`, with a fresh client per request: a store calling on its own."""

    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        return app.test_client().post(path_of(url), data=body, headers=headers).status_code

    return post
