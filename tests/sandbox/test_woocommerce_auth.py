"""The sandbox store authenticates REST calls as WooCommerce does over plain http."""

from __future__ import annotations

import time
from typing import Any

import requests
from woocommerce.oauth import OAuth

from passiton.connectors.woocommerce.rest import WooCredentials, WooRest
from passiton.sandbox.server import Sandbox
from passiton.sandbox.woocommerce_auth import signature
from tests.sandbox.conftest import KEYS


def signed_url(sandbox: Sandbox, query: str = "", **changes: Any) -> str:
    """An OAuth-signed orders URL, made by the `woocommerce` library's own signer."""
    base = f"{sandbox.url}/wp-json/wc/v3/orders"
    oauth = OAuth(
        url=f"{base}?{query}" if query else base,
        consumer_key=changes.get("key", KEYS[0]),
        consumer_secret=changes.get("secret", KEYS[1]),
        version="wc/v3",
        method="GET",
        oauth_timestamp=changes.get("timestamp", int(time.time())),
    )
    url: str = oauth.get_oauth_url()
    return url


def refusal(answer: requests.Response) -> tuple[int, str, str]:
    body = answer.json()
    return answer.status_code, body["code"], body["message"]


def test_a_signed_call_is_served(sandbox: Sandbox) -> None:
    answer = requests.get(
        signed_url(sandbox, "per_page=5&modified_after=2026-11-22T18:56:19"), timeout=5
    )
    assert answer.status_code == 200


def test_a_wrong_secret_does_not_sign(sandbox: Sandbox) -> None:
    answer = WooRest(WooCredentials(sandbox.url, KEYS[0], "cs_wrong")).get("orders")
    assert refusal(answer) == (
        401,
        "woocommerce_rest_authentication_error",
        "Invalid signature - provided signature does not match.",
    )


def test_an_unknown_key_is_refused(sandbox: Sandbox) -> None:
    answer = requests.get(signed_url(sandbox, key="ck_unknown"), timeout=5)
    assert refusal(answer)[1:] == (
        "woocommerce_rest_authentication_error",
        "Consumer key is invalid.",
    )


def test_a_changed_parameter_breaks_the_signature(sandbox: Sandbox) -> None:
    url = signed_url(sandbox, "per_page=5")
    answer = requests.get(url.replace("per_page=5", "per_page=50"), timeout=5)
    assert refusal(answer)[0] == 401
    assert sandbox.woo_site.calls["GET /orders"] == 1


def test_a_replayed_call_is_refused(sandbox: Sandbox) -> None:
    url = signed_url(sandbox)
    assert requests.get(url, timeout=5).status_code == 200
    again = requests.get(url, timeout=5)
    assert refusal(again)[2] == "Invalid nonce - nonce has already been used."


def test_a_call_signed_long_ago_is_refused(sandbox: Sandbox) -> None:
    answer = requests.get(signed_url(sandbox, timestamp=int(time.time()) - 16 * 60), timeout=5)
    assert refusal(answer)[2] == "Invalid timestamp."


def test_basic_auth_over_plain_http_authenticates_nobody(sandbox: Sandbox) -> None:
    api = f"{sandbox.url}/wp-json/wc/v3"
    listed = requests.get(f"{api}/orders", auth=KEYS, timeout=5)
    created = requests.post(f"{api}/coupons", json={"code": "x"}, auth=KEYS, timeout=5)
    assert refusal(listed)[:2] == (401, "woocommerce_rest_cannot_view")
    assert refusal(created)[:2] == (401, "woocommerce_rest_cannot_create")
    assert sandbox.woo.coupons == {}


def test_keys_in_the_query_over_plain_http_authenticate_nobody(sandbox: Sandbox) -> None:
    answer = requests.get(
        f"{sandbox.url}/wp-json/wc/v3/orders",
        params={"consumer_key": KEYS[0], "consumer_secret": KEYS[1]},
        timeout=5,
    )
    assert refusal(answer)[:2] == (401, "woocommerce_rest_cannot_view")


def test_some_oauth_parameters_without_the_others_are_refused(sandbox: Sandbox) -> None:
    answer = requests.get(
        f"{sandbox.url}/wp-json/wc/v3/orders", params={"oauth_consumer_key": KEYS[0]}, timeout=5
    )
    assert refusal(answer)[1] == "woocommerce_rest_authentication_missing_parameter"


def test_a_read_key_can_read_but_not_write(sandbox: Sandbox) -> None:
    with sandbox.woo_lock:
        key = sandbox.woo_site.keys.issue(1, "read")
    rest = WooRest(WooCredentials(sandbox.url, key.consumer_key, key.consumer_secret))
    assert rest.get("coupons").status_code == 200
    refused = rest.post("coupons", {"code": "X1", "amount": "1"})
    assert refusal(refused)[2] == "The API key provided does not have write permissions."
    assert sandbox.woo.coupons == {}


def test_the_store_signs_like_the_woocommerce_library() -> None:
    url = "http://127.0.0.1:8088/wp-json/wc/v3/orders"
    params = {
        "modified_after": "2026-11-22T18:56:19",
        "search": "a b+c",
        "oauth_consumer_key": "ck_1",
        "oauth_timestamp": "1700000000",
        "oauth_nonce": "n0nce",
        "oauth_signature_method": "HMAC-SHA256",
    }
    library = OAuth(url=url, consumer_key="ck_1", consumer_secret="cs_2", method="GET")
    expected = library.generate_oauth_signature(dict(params), url)
    assert signature("GET", url, params, "cs_2", "HMAC-SHA256") == expected
