"""Merchant sign-up, login throttled per client and per account, CSRF and logout."""

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


OWNER = "owner@shop.example"
HOME, ATTACKER = "198.51.100.7", "203.0.113.9"


def _signed_up_and_out(client: FlaskClient) -> None:
    signup(client, OWNER, "long-password-1")
    client.post("/logout", data={"csrf_token": csrf(client)})


def test_wrong_passwords_from_one_client_are_throttled_even_for_the_right_one(
    accounts: tuple[Runtime, FlaskClient],
) -> None:
    _, client = accounts
    _signed_up_and_out(client)
    for _ in range(5):
        assert login(client, OWNER, "wrong-password", REMOTE_ADDR=ATTACKER).status_code == 401

    throttled = login(client, OWNER, "long-password-1", REMOTE_ADDR=ATTACKER)

    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert client.get("/account").status_code == 303


def test_an_attackers_failures_do_not_lock_the_owner_out_from_their_own_address(
    accounts: tuple[Runtime, FlaskClient],
) -> None:
    _, client = accounts
    _signed_up_and_out(client)
    for _ in range(8):
        login(client, OWNER, "wrong-password", REMOTE_ADDR=ATTACKER)
    assert login(client, OWNER, "wrong-password", REMOTE_ADDR=ATTACKER).status_code == 429

    owner = login(client, OWNER, "long-password-1", REMOTE_ADDR=HOME)

    assert owner.status_code == 303
    assert client.get("/account", environ_base={"REMOTE_ADDR": HOME}).status_code == 200


def test_a_throttled_client_cannot_renew_its_own_wait_by_trying_again(
    accounts: tuple[Runtime, FlaskClient],
) -> None:
    _, client = accounts
    _signed_up_and_out(client)
    for _ in range(5):
        login(client, OWNER, "wrong-password", REMOTE_ADDR=ATTACKER)
    first = int(login(client, OWNER, "wrong", REMOTE_ADDR=ATTACKER).headers["Retry-After"])
    for _ in range(20):
        login(client, OWNER, "wrong", REMOTE_ADDR=ATTACKER)

    again = int(login(client, OWNER, "wrong", REMOTE_ADDR=ATTACKER).headers["Retry-After"])

    # Refused attempts are not counted: the wait runs down instead of growing forever.
    assert again <= first


def test_guesses_spread_over_many_addresses_are_throttled_for_that_account(
    accounts: tuple[Runtime, FlaskClient],
) -> None:
    _, client = accounts
    _signed_up_and_out(client)
    login(client, OWNER, "long-password-1", REMOTE_ADDR=HOME)  # the owner's address is known
    for i in range(60):
        login(client, OWNER, f"guess-{i}", REMOTE_ADDR=f"10.0.{i // 200}.{i % 200}")

    fresh = login(client, OWNER, "long-password-1", REMOTE_ADDR="192.0.2.77")
    owner = login(client, OWNER, "long-password-1", REMOTE_ADDR=HOME)

    assert fresh.status_code == 429
    assert owner.status_code == 303


def test_many_failures_from_one_address_throttle_that_address(
    accounts: tuple[Runtime, FlaskClient],
) -> None:
    _, client = accounts
    _signed_up_and_out(client)
    for i in range(20):
        login(client, f"guess{i}@shop.example", "wrong", REMOTE_ADDR=ATTACKER)
    blocked = login(client, OWNER, "long-password-1", REMOTE_ADDR=ATTACKER)
    assert blocked.status_code == 429
    elsewhere = login(client, OWNER, "long-password-1", REMOTE_ADDR="203.0.113.10")
    assert elsewhere.status_code == 303
