"""The wc-auth key request a WooCommerce store serves (`/wc-auth/v1/…`), as `WC_Auth` does it.

The app sends the merchant to `authorize` with app_name, scope, user_id, return_url and
callback_url. The merchant (taken to be logged in to WP admin: the login step is skipped)
approves; the store creates a key pair, POSTs it as JSON to callback_url and deletes it again
unless that answers exactly 200, then sends the merchant back to return_url with
`success=1&user_id=…`. Denying sends them back with `success=0`.

One departure: WooCommerce demands an https callback_url on a public host. The sandbox also
lets an http callback on a loopback address through, because Passiton runs locally beside it.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, redirect, render_template_string, request
from werkzeug.wrappers import Response

from passiton.sandbox.woocommerce_site import ADMIN_USER, WooSite

REQUIRED = ("app_name", "user_id", "return_url", "callback_url", "scope")
SCOPES = ("read", "write", "read_write")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
NOT_SENT = "An error occurred in the request and at the time were unable to send the consumer data"
APPROVAL_PAGE = """<!doctype html>
<title>Authorize {{ app_name }}</title>
<h1>{{ app_name }} would like to connect to your store</h1>
<p>This will give "{{ app_name }}" {{ scope }} access to your store's data.</p>
<p><a class="approve" href="{{ approve }}">Approve</a>
<a class="deny" href="{{ deny }}">Deny</a></p>
"""


class AuthRequestInvalid(ValueError):
    """The key request is incomplete or unsafe; WooCommerce shows the message and stops."""


def wc_auth_blueprint(site: WooSite) -> Blueprint:
    """The approval page and what approving or denying it does."""
    bp = Blueprint("wc_auth", __name__, url_prefix="/wc-auth/v1")
    nonces: set[str] = set()

    @bp.errorhandler(AuthRequestInvalid)
    def invalid(refused: AuthRequestInvalid) -> tuple[str, int]:
        return f"Error: {refused}", 400

    @bp.get("/authorize")
    def authorize() -> str:
        asked = validated(request.args)
        nonce = secrets.token_hex(8)
        with site.lock:
            nonces.add(nonce)
        query = urlencode({**asked, "wc_auth_nonce": nonce})
        return render_template_string(
            APPROVAL_PAGE,
            app_name=asked["app_name"],
            scope=asked["scope"].replace("_", "/"),
            approve=f"/wc-auth/v1/access_granted?{query}",
            deny=f"/wc-auth/v1/access_denied?{query}",
        )

    @bp.get("/access_granted")
    def access_granted() -> Response | tuple[str, int]:
        asked = validated(request.args)
        with site.lock:
            if request.args.get("wc_auth_nonce") not in nonces:
                return "Error: Invalid nonce. Please refresh the page and try again.", 403
            key = site.keys.issue(ADMIN_USER, asked["scope"])
            consumer_data = {
                "key_id": key.key_id,
                "user_id": asked["user_id"],
                "consumer_key": key.consumer_key,
                "consumer_secret": key.consumer_secret,
                "key_permissions": key.permissions,
            }
        if _post_consumer_data(site, asked["callback_url"], consumer_data) != 200:
            with site.lock:
                site.keys.revoke(key.consumer_key)
            return f"Error: {NOT_SENT}", 401
        return redirect(_back(asked, success=1), code=302)

    @bp.get("/access_denied")
    def access_denied() -> Response:
        return redirect(_back(validated(request.args), success=0), code=302)

    return bp


def validated(args: Mapping[str, str]) -> dict[str, str]:
    """The request's parameters, checked like `WC_Auth::make_validation`."""
    asked = {name: args.get(name, "") for name in REQUIRED}
    missing = [name for name, value in asked.items() if not value]
    if missing:
        raise AuthRequestInvalid(f"Missing parameter {missing[0]}")
    if asked["scope"] not in SCOPES:
        raise AuthRequestInvalid(f"Invalid scope {asked['scope']}")
    for name in ("return_url", "callback_url"):
        parts = urlsplit(asked[name])
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise AuthRequestInvalid(f"The {name} is not a valid URL")
    callback = urlsplit(asked["callback_url"])
    if callback.scheme != "https" and callback.hostname not in LOOPBACK:
        raise AuthRequestInvalid("The callback_url needs to be over SSL")
    return asked


def _post_consumer_data(site: WooSite, url: str, data: dict[str, Any]) -> int:
    headers = {
        "Content-Type": "application/json;charset=UTF-8",
        "User-Agent": f"WordPress/6.8.3; {site.home_url}",
    }
    body = json.dumps(data, separators=(",", ":")).encode()
    return site.post(url, body, headers)


def _back(asked: Mapping[str, str], success: int) -> str:
    """return_url with `success` and the app's `user_id` added (`add_query_arg`)."""
    url = asked["return_url"]
    joiner = "&" if urlsplit(url).query else "?"
    return f"{url}{joiner}{urlencode({'success': success, 'user_id': asked['user_id']})}"
