"""The access log keeps requests readable and drops credentials from their query strings."""

from __future__ import annotations

import pytest

from passiton.app.serving.access_log import redact_query, redact_url


@pytest.mark.parametrize(
    ("query", "logged"),
    [
        ("shop=a.myshopify.com&id_token=eyJ.x.y", "shop=a.myshopify.com&id_token=[redacted]"),
        ("code=abc&hmac=f00&state=n0nce", "code=[redacted]&hmac=[redacted]&state=[redacted]"),
        (
            "signature=s1&logged_in_customer_id=42",
            "signature=[redacted]&logged_in_customer_id=[redacted]",
        ),
        ("ID_TOKEN=x", "ID_TOKEN=[redacted]"),
        ("id%5Ftoken=x", "id%5Ftoken=[redacted]"),
        ("page=2&sort=-created", "page=2&sort=-created"),
        ("code", "code"),
        ("", ""),
        ("encoded_code=1&codes=2", "encoded_code=1&codes=2"),
    ],
)
def test_secret_query_values_are_replaced_and_the_rest_kept(query: str, logged: str) -> None:
    assert redact_query(query) == logged


@pytest.mark.parametrize(
    ("url", "logged"),
    [
        (
            "GET /shopify/app?id_token=t&host=h HTTP/1.1",
            "GET /shopify/app?id_token=[redacted]&host=h HTTP/1.1",
        ),
        ("https://x.example/cb?code=c", "https://x.example/cb?code=[redacted]"),
        ("GET /healthz HTTP/1.1", "GET /healthz HTTP/1.1"),
        ("-", "-"),
    ],
)
def test_urls_and_request_lines_keep_everything_but_secret_values(url: str, logged: str) -> None:
    assert redact_url(url) == logged
