"""Merchant sign-up, login with a rate limit, CSRF and logout."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.core.merchants import Merchant
from tests.conftest import RuntimeFactory
from tests.woocommerce.merchant_browser import csrf, login, signup


@pytest.fixture
def accounts(make_runtime: RuntimeFactory, sqlite_url: str) -> tuple[Runtime, FlaskClient]:
    runtime = make_runtime(sqlite_url)
    return runtime, create_app(runtime=runtime).test_client()


def merchants(runtime: Runtime) -> int:
    with runtime.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Merchant)) or 0)


def test_signup_logs_the_merchant_in(accounts: tuple[Runtime, FlaskClient]) -> None:
    runtime, client = accounts
    response = signup(client)
    assert response.status_code == 303
    assert client.get("/account").status_code == 200
    with runtime.db.sessions() as session:
        merchant = session.scalar(select(Merchant))
        assert merchant is not None
        assert merchant.password_hash != "long-password-1"


@pytest.mark.parametrize(
    ("email", "password", "status"),
    [("not-an-email", "long-password-1", 422), ("a@shop.example", "short", 422)],
)
def test_bad_signups_are_refused_and_create_nothing(
    accounts: tuple[Runtime, FlaskClient], email: str, password: str, status: int
) -> None:
    runtime, client = accounts
    response = signup(client, email, password)
    assert response.status_code == status
    assert b'class="error"' in response.data
    assert merchants(runtime) == 0


def test_signup_without_the_csrf_token_is_refused(accounts: tuple[Runtime, FlaskClient]) -> None:
    runtime, client = accounts
    response = client.post("/signup", data={"email": "a@shop.example", "password": "x" * 12})
    assert response.status_code == 400
    assert merchants(runtime) == 0


def test_a_second_account_with_the_same_email_is_refused(
    accounts: tuple[Runtime, FlaskClient],
) -> None:
    runtime, client = accounts
    signup(client)
    client.post("/logout", data={"csrf_token": csrf(client)})
    assert signup(client, "Owner@Shop.example").status_code == 409
    assert merchants(runtime) == 1


def test_login_and_logout(accounts: tuple[Runtime, FlaskClient]) -> None:
    _, client = accounts
    signup(client)
    client.post("/logout", data={"csrf_token": csrf(client)})
    assert client.get("/account").status_code == 303
    assert login(client, "owner@shop.example", "long-password-1").status_code == 303
    assert client.get("/account").status_code == 200


def test_logout_needs_the_csrf_token(accounts: tuple[Runtime, FlaskClient]) -> None:
    _, client = accounts
    signup(client)
    client.post("/logout")
    assert client.get("/account").status_code == 200


def test_five_failures_lock_the_email_even_for_the_right_password(
    accounts: tuple[Runtime, FlaskClient],
) -> None:
    _, client = accounts
    signup(client)
    client.post("/logout", data={"csrf_token": csrf(client)})
    for _ in range(5):
        assert login(client, "owner@shop.example", "wrong-password").status_code == 401
    assert login(client, "owner@shop.example", "long-password-1").status_code == 429
    assert client.get("/account").status_code == 303


def test_many_failures_from_one_address_lock_that_address(
    accounts: tuple[Runtime, FlaskClient],
) -> None:
    _, client = accounts
    signup(client)
    client.post("/logout", data={"csrf_token": csrf(client)})
    for i in range(20):
        login(client, f"guess{i}@shop.example", "wrong", REMOTE_ADDR="203.0.113.9")
    blocked = login(client, "owner@shop.example", "long-password-1", REMOTE_ADDR="203.0.113.9")
    assert blocked.status_code == 429
    elsewhere = login(client, "owner@shop.example", "long-password-1", REMOTE_ADDR="203.0.113.10")
    assert elsewhere.status_code == 303
