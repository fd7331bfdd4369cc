"""Merchant API: settings, authentication and shop isolation."""

from __future__ import annotations

from flask.testing import FlaskClient

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from tests.conftest import RuntimeFactory
from tests.faces.scenario import ShopAccess, shop_with_key


def _two_shops(
    make_runtime: RuntimeFactory, url: str
) -> tuple[Runtime, FlaskClient, ShopAccess, ShopAccess]:
    runtime = make_runtime(url)
    client = create_app(runtime=runtime).test_client()
    return runtime, client, shop_with_key(runtime, "one.test"), shop_with_key(runtime, "two.test")


def test_settings_change_makes_a_new_version(
    make_runtime: RuntimeFactory, database_url: str
) -> None:
    _, client, one, _ = _two_shops(make_runtime, database_url)

    response = client.put(
        "/api/settings",
        json={"friend_discount_type": "fixed", "friend_discount_value": "12.50"},
        headers=one.headers,
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == 2
    assert body["settings"]["friend_discount_value"] == "12.50"
    again = client.get("/api/settings", headers=one.headers).get_json()
    assert again["version"] == 2
    assert again["settings"]["friend_discount_type"] == "fixed"


def test_invalid_setting_names_the_field_and_changes_nothing(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    _, client, one, _ = _two_shops(make_runtime, sqlite_url)

    response = client.put("/api/settings", json={"hold_days": 9999}, headers=one.headers)

    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "hold_days"
    assert client.get("/api/settings", headers=one.headers).get_json()["version"] == 1


def test_settings_body_must_be_an_object(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    _, client, one, _ = _two_shops(make_runtime, sqlite_url)

    response = client.put("/api/settings", data="[1]", headers=one.headers)

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_settings"


def test_one_shops_key_changes_only_its_own_settings(
    make_runtime: RuntimeFactory, database_url: str
) -> None:
    _, client, one, two = _two_shops(make_runtime, database_url)

    client.put("/api/settings", json={"enabled": False}, headers=one.headers)

    assert (
        client.get("/api/settings", headers=one.headers).get_json()["settings"]["enabled"] is False
    )
    other = client.get("/api/settings", headers=two.headers).get_json()
    assert other["version"] == 1
    assert other["settings"]["enabled"] is True


def test_every_api_endpoint_refuses_missing_or_wrong_credentials(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    _, client, _, _ = _two_shops(make_runtime, sqlite_url)
    calls = [
        ("GET", "/api/settings"),
        ("PUT", "/api/settings"),
        ("GET", "/api/referrals"),
        ("GET", "/api/review"),
        ("POST", "/api/review/1"),
        ("GET", "/api/ledger"),
        ("GET", "/api/stats"),
        ("GET", "/api/exports/referrals.csv"),
        ("GET", "/api/exports/ledger.csv"),
        ("GET", "/api/keys"),
        ("POST", "/api/keys"),
        ("DELETE", "/api/keys/1"),
    ]
    for headers in ({}, {"Authorization": "Bearer pk_nothing_here"}, {"Authorization": "Basic x"}):
        for method, path in calls:
            response = client.open(path, method=method, json={}, headers=headers)
            assert response.status_code == 401, (method, path, headers)
            assert response.get_json()["error"]["code"] == "unauthenticated"


def test_session_login_reads_but_needs_csrf_to_write(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    _, client, one, _ = _two_shops(make_runtime, sqlite_url)
    with client.session_transaction() as session:
        session["shop_id"] = one.shop_id
        session["csrf_token"] = "tok"

    assert client.get("/api/settings").status_code == 200
    refused = client.put("/api/settings", json={"hold_days": 5})
    accepted = client.put("/api/settings", json={"hold_days": 5}, headers={"X-CSRF-Token": "tok"})

    assert refused.status_code == 401
    assert accepted.status_code == 200
    assert accepted.get_json()["version"] == 2
