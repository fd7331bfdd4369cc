"""What a WooCommerce merchant, the companion plugin and shoppers do in Passiton's real HTTP app.

The merchant signs up and connects the store in a browser: Passiton's account pages, then the
store's wc-auth approval page, then back. The companion plugin (PHP on the store) calls Passiton
server-side, signing each request with the plugin key the merchant pasted into its settings;
this module signs the same way on its own, so a Passiton that verified differently would fail.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from flask.testing import FlaskClient

from passiton.app.cli.sandbox_story.storefront import claim_target, path_of
from passiton.app.cli.sandbox_story.story import expect
from passiton.sandbox.woocommerce_store import WooBuyer

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
APPROVE_LINK = re.compile(r'class="approve" href="([^"]+)"')
PLUGIN_SETTINGS = re.compile(
    r"store id:\s*<code>(\d+)</code>, plugin key: <code[^>]*>([^<]+)</code>", re.DOTALL
)


@dataclass(frozen=True)
class PluginSettings:
    """What the merchant copies from the account page into WooCommerce → Passiton."""

    shop_id: str
    plugin_key: str = field(repr=False)


def sign_up(web: FlaskClient, email: str, password: str) -> None:
    """Create the merchant's account with the sign-up form (CSRF token included)."""
    form = web.get("/signup")
    token = CSRF_FIELD.search(form.get_data(as_text=True))
    expect(token is not None, "the sign-up page has no CSRF token")
    assert token is not None
    answer = web.post(
        "/signup", data={"email": email, "password": password, "csrf_token": token.group(1)}
    )
    expect(answer.status_code == 303, f"sign-up answered {answer.status_code}")


def connect_store(web: FlaskClient, store_url: str) -> str:
    """Connect: Passiton → the store's approval page → approve → back on the account page.

    The account page's form POSTs with the CSRF token. Approving makes the store POST the key
    to Passiton's callback before it redirects; Passiton answers at once and a task proves the
    key with a REST call to the store before linking it. Returns the account page.
    """
    form = CSRF_FIELD.search(web.get("/account").get_data(as_text=True))
    expect(form is not None, "the account page has no connect form with a CSRF token")
    assert form is not None
    started = web.post(
        "/woocommerce/connect", data={"store_url": store_url, "csrf_token": form.group(1)}
    )
    expect(started.status_code == 303, f"/woocommerce/connect answered {started.status_code}")
    page = requests.get(started.headers["Location"], timeout=5)
    expect(page.status_code == 200, f"the store's approval page answered {page.status_code}")
    approve = APPROVE_LINK.search(page.text)
    expect(approve is not None, "the store's approval page has no Approve button")
    assert approve is not None
    granted = requests.get(
        f"{store_url}{unescape(approve.group(1))}", allow_redirects=False, timeout=60
    )
    expect(granted.status_code == 302, f"approving answered {granted.status_code}: {granted.text}")
    back = granted.headers["Location"]
    expect(parse_qs(urlsplit(back).query).get("success") == ["1"], "the store refused")
    account = web.get(path_of(back))
    expect(account.status_code == 200, f"the account page answered {account.status_code}")
    return account.get_data(as_text=True)


def plugin_settings(account_page: str) -> PluginSettings:
    """The store id and plugin key shown on the account page."""
    found = PLUGIN_SETTINGS.search(account_page)
    expect(found is not None, "the account page shows no plugin settings")
    assert found is not None
    return PluginSettings(found.group(1), unescape(found.group(2)))


@dataclass
class CompanionPlugin:
    """The plugin's server-side calls (`passiton_call` in passiton.php)."""

    web: FlaskClient
    settings: PluginSettings

    def refer_a_friend(self, buyer: WooBuyer) -> dict[str, Any]:
        """The "Refer a friend" tab in My Account: the shopper's link and points."""
        return self.call("/woocommerce/plugin/customer", _shopper(buyer))

    def redeem(self, buyer: WooBuyer, points: int, key: str) -> dict[str, Any]:
        """The tab's redeem form: points into a reward code for the logged-in shopper."""
        body = {**_shopper(buyer), "points": points, "kind": "reward", "idempotency_key": key}
        return self.call("/woocommerce/plugin/redeem", body)

    def call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        # The plugin's json_encode escapes slashes; the signature covers the bytes as sent.
        raw = json.dumps(body, separators=(",", ":")).replace("/", "\\/").encode()
        stamp = str(int(time.time()))
        signed = hmac.new(
            self.settings.plugin_key.encode(), stamp.encode() + b"." + raw, hashlib.sha256
        )
        answer = self.web.post(
            path,
            data=raw,
            headers={
                "Content-Type": "application/json",
                "X-Passiton-Shop": self.settings.shop_id,
                "X-Passiton-Timestamp": stamp,
                "X-Passiton-Signature": signed.hexdigest(),
            },
        )
        expect(answer.status_code == 200, f"{path} answered {answer.status_code}")
        data = answer.get_json()
        expect(isinstance(data, dict), f"{path} did not answer a JSON object")
        assert isinstance(data, dict)
        return data


def claim(web: FlaskClient, link_code: str, email: str, store_url: str) -> str:
    """A friend claims a code and is sent to the store with `?passiton_coupon=<code>`."""
    target = claim_target(web, link_code, email)
    expect(f"{target.scheme}://{target.netloc}" == store_url, "claim did not redirect to the store")
    codes = parse_qs(target.query).get("passiton_coupon")
    expect(codes is not None and len(codes) == 1, "the store link carries no coupon")
    assert codes is not None
    return codes[0]


def _shopper(buyer: WooBuyer) -> dict[str, Any]:
    # The plugin sends the WordPress user: id as a string, e-mail and first name.
    return {
        "customer_id": str(buyer.customer_id),
        "email": buyer.email,
        "first_name": buyer.first_name,
    }
