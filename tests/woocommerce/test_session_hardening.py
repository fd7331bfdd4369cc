"""The merchant session cookie: its flags, and logging out revoking every copy of it."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from passiton.app.factory import create_app
from tests.conftest import RuntimeFactory
from tests.woocommerce.merchant_browser import csrf, login, signup


def _session_cookie(response: TestResponse) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "the response set no session cookie"
    return cookies[-1]


@pytest.mark.parametrize(("app_url", "secure"), [("https://refer.example", True), ("", False)])
def test_the_session_cookie_is_http_only_same_site_lax_and_secure_over_https(
    make_runtime: RuntimeFactory, sqlite_url: str, app_url: str, secure: bool
) -> None:
    overrides = {"app_url": app_url} if app_url else {}
    client = create_app(runtime=make_runtime(sqlite_url, **overrides)).test_client()

    cookie = _session_cookie(signup(client)).lower()

    assert "; httponly" in cookie
    assert "; samesite=lax" in cookie
    assert ("; secure" in cookie) is secure


def test_logging_out_revokes_a_copied_session_cookie(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    app = create_app(runtime=make_runtime(sqlite_url))
    owner = app.test_client()
    signup(owner)
    cookie = owner.get_cookie("session")
    assert cookie is not None
    thief: FlaskClient = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/account").status_code == 200

    owner.post("/logout", data={"csrf_token": csrf(owner)})

    assert thief.get("/account").status_code == 303
    assert thief.get("/api/settings").status_code == 401
    assert thief.get("/settings").status_code == 401


def test_logging_in_again_after_a_logout_works(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client = create_app(runtime=make_runtime(sqlite_url)).test_client()
    signup(client)
    client.post("/logout", data={"csrf_token": csrf(client)})

    assert login(client, "owner@shop.example", "long-password-1").status_code == 303

    assert client.get("/account").status_code == 200
