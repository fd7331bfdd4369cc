"""The public URL `passiton serve` runs with, and when it warns that links may not reach it."""

from __future__ import annotations

from pathlib import Path

import pytest

from passiton.app.config import load_settings
from passiton.app.serving.public_url import public_url


@pytest.mark.parametrize(
    ("app_url", "host", "port", "expected"),
    [
        (None, "127.0.0.1", 8200, "http://127.0.0.1:8200"),
        (None, "192.0.2.10", 8000, "http://192.0.2.10:8000"),
        (None, "::1", 8300, "http://[::1]:8300"),
        (None, "shop-tools.example", 8000, "http://shop-tools.example:8000"),
        ("https://refer.example.com", "127.0.0.1", 8000, "https://refer.example.com"),
    ],
)
def test_the_url_is_the_configured_one_or_else_the_address_served(
    app_url: str | None, host: str, port: int, expected: str
) -> None:
    assert public_url(app_url, host, port).url == expected


@pytest.mark.parametrize(
    ("app_url", "host", "port"),
    [
        (None, "127.0.0.1", 8200),
        ("http://127.0.0.1:8200", "127.0.0.1", 8200),
        ("http://localhost:8200", "localhost", 8200),
        ("http://[::1]:8200", "::1", 8200),
        ("http://203.0.113.5:8000", "0.0.0.0", 8000),
    ],
)
def test_no_warning_when_links_point_at_this_server(
    app_url: str | None, host: str, port: int
) -> None:
    assert public_url(app_url, host, port).warning is None


@pytest.mark.parametrize(
    ("app_url", "host", "port", "named"),
    [
        (None, "0.0.0.0", 8000, "http://127.0.0.1:8000"),
        (None, "::", 8000, "http://127.0.0.1:8000"),
        ("http://127.0.0.1:8000", "127.0.0.1", 8200, "http://127.0.0.1:8000"),
        ("https://refer.example.com", "127.0.0.1", 8000, "https://refer.example.com"),
        ("http://127.0.0.1:8000", "0.0.0.0", 8200, "http://127.0.0.1:8000"),
    ],
)
def test_a_warning_names_where_links_point_when_that_may_not_be_here(
    app_url: str | None, host: str, port: int, named: str
) -> None:
    warning = public_url(app_url, host, port).warning
    assert warning is not None
    assert f"use {named}" in warning


def test_settings_say_whether_the_app_url_was_given(tmp_path: Path) -> None:
    no_dotenv = tmp_path / ".env"
    assert not load_settings({"PASSITON_SECRET_KEY": "k" * 40}, dotenv_path=no_dotenv).app_url_given
    given = load_settings(
        {"PASSITON_SECRET_KEY": "k" * 40, "PASSITON_APP_URL": "https://refer.example.com/"},
        dotenv_path=no_dotenv,
    )
    assert (given.app_url, given.app_url_given) == ("https://refer.example.com", True)
