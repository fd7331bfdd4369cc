"""The sandbox store's wc-auth key request: approve, post the keys, send the merchant back."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from passiton.connectors.woocommerce.rest import WooCredentials, WooRest
from passiton.sandbox.server import Sandbox
from tests.sandbox.conftest import Recorder

CALLBACK = "http://127.0.0.1:8000/woocommerce/callback"
RETURN = "http://127.0.0.1:8000/account"


def key_request(**changes: str) -> dict[str, str]:
    return {
        "app_name": "Passiton",
        "scope": "read_write",
        "user_id": "state-123",
        "return_url": RETURN,
        "callback_url": CALLBACK,
        **changes,
    }


def approval_page(sandbox: Sandbox, **changes: str) -> requests.Response:
    return requests.get(
        f"{sandbox.url}/wc-auth/v1/authorize", params=key_request(**changes), timeout=5
    )


def follow(sandbox: Sandbox, page: requests.Response, button: str) -> requests.Response:
    found = re.search(rf'class="{button}" href="([^"]+)"', page.text)
    assert found is not None, page.text
    link = found.group(1).replace("&amp;", "&")
    return requests.get(f"{sandbox.url}{link}", allow_redirects=False, timeout=5)


def posted_keys(store: Recorder) -> dict[str, Any]:
    ((url, body, headers),) = store.posts
    assert url == CALLBACK
    assert headers["Content-Type"] == "application/json;charset=UTF-8"
    keys = json.loads(body)
    assert isinstance(keys, dict)
    return keys


def test_approving_posts_a_working_key_and_sends_the_merchant_back(sandbox: Sandbox) -> None:
    store = Recorder()
    sandbox.deliver_to(store)
    page = approval_page(sandbox)
    assert page.status_code == 200
    assert "Passiton would like to connect to your store" in page.text

    approved = follow(sandbox, page, "approve")

    keys = posted_keys(store)
    assert sorted(keys) == [
        "consumer_key",
        "consumer_secret",
        "key_id",
        "key_permissions",
        "user_id",
    ]
    assert (keys["user_id"], keys["key_permissions"]) == ("state-123", "read_write")
    assert re.fullmatch(r"ck_[0-9a-f]{40}", keys["consumer_key"])
    assert approved.status_code == 302
    back = urlsplit(approved.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == RETURN
    assert parse_qs(back.query) == {"success": ["1"], "user_id": ["state-123"]}
    rest = WooRest(WooCredentials(sandbox.url, keys["consumer_key"], keys["consumer_secret"]))
    assert rest.get("orders").status_code == 200


def test_a_callback_that_does_not_answer_200_leaves_no_key(sandbox: Sandbox) -> None:
    store = Recorder(status=401)
    sandbox.deliver_to(store)

    refused = follow(sandbox, approval_page(sandbox), "approve")

    assert refused.status_code == 401
    assert "unable to send the consumer data" in refused.text
    keys = posted_keys(store)
    rest = WooRest(WooCredentials(sandbox.url, keys["consumer_key"], keys["consumer_secret"]))
    assert rest.get("orders").json()["message"] == "Consumer key is invalid."


def test_denying_sends_the_merchant_back_without_a_key(sandbox: Sandbox) -> None:
    store = Recorder()
    sandbox.deliver_to(store)

    denied = follow(sandbox, approval_page(sandbox), "deny")

    assert denied.status_code == 302
    assert parse_qs(urlsplit(denied.headers["Location"]).query)["success"] == ["0"]
    assert store.posts == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"callback_url": ""}, "Missing parameter callback_url"),
        ({"scope": "admin"}, "Invalid scope admin"),
        ({"return_url": "nowhere"}, "The return_url is not a valid URL"),
        ({"callback_url": "http://passiton.example/cb"}, "The callback_url needs to be over SSL"),
    ],
)
def test_an_incomplete_or_unsafe_request_is_refused(
    sandbox: Sandbox, changes: dict[str, str], message: str
) -> None:
    page = approval_page(sandbox, **changes)
    assert (page.status_code, page.text) == (400, f"Error: {message}")


def test_a_grant_that_did_not_come_from_the_approval_page_is_refused(sandbox: Sandbox) -> None:
    store = Recorder()
    sandbox.deliver_to(store)
    forged = requests.get(
        f"{sandbox.url}/wc-auth/v1/access_granted?{urlencode(key_request())}",
        allow_redirects=False,
        timeout=5,
    )
    assert forged.status_code == 403
    assert store.posts == []
