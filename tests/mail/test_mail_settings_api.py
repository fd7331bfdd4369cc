"""The merchant's mail settings through the API, and "send me a test"."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from passiton.app.runtime import Runtime
from passiton.core.models import EmailMessage, MailSettings, Shop
from tests.faces.scenario import shop_with_key

DEFAULTS = {
    "sender_name": "",
    "reply_to": "",
    "disabled_kinds": [],
    "invitations_transactional": False,
}


def test_mail_settings_start_at_the_defaults_and_save_a_change(
    runtime: Runtime, app: Flask
) -> None:
    shop = shop_with_key(runtime, "ring-shop.test", name="Ring Shop")
    client = app.test_client()

    assert client.get("/api/mail-settings", headers=shop.headers).get_json() == {
        "settings": DEFAULTS
    }
    change = {"sender_name": "Ring Shop Team", "disabled_kinds": ["reminder", "invitation"]}
    saved = client.put("/api/mail-settings", json=change, headers=shop.headers)

    assert saved.status_code == 200
    expected = DEFAULTS | {
        "sender_name": "Ring Shop Team",
        "disabled_kinds": ["invitation", "reminder"],
    }
    assert saved.get_json() == {"settings": expected}
    assert client.get("/api/mail-settings", headers=shop.headers).get_json() == {
        "settings": expected
    }


def test_invalid_mail_settings_are_refused_by_field_and_change_nothing(
    runtime: Runtime, app: Flask
) -> None:
    shop = shop_with_key(runtime, "ring-shop.test", name="Ring Shop")
    client = app.test_client()

    for body, field in (
        ({"reply_to": "not an address"}, "reply_to"),
        # Valid syntax, but a special-use domain no mail reaches: what the document now says.
        ({"reply_to": "orders@ring-shop.test"}, "reply_to"),
        ({"sender_name": "Evil\r\nBcc: everyone@example.com"}, "sender_name"),
        ({"disabled_kinds": ["test"]}, "disabled_kinds"),
        ({"invitations_transactional": "yes"}, "invitations_transactional"),
        ({"colour": "red"}, "colour"),
    ):
        response = client.put(
            "/api/mail-settings", json={"sender_name": "Kept?", **body}, headers=shop.headers
        )
        assert response.status_code == 422, body
        assert response.get_json()["error"]["field"] == field
    assert client.put("/api/mail-settings", data="[", headers=shop.headers).status_code == 422
    with runtime.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(MailSettings)) == 0


def test_send_me_a_test_goes_to_the_shops_own_address(
    runtime: Runtime, app: Flask, tmp_path: Path
) -> None:
    shop = shop_with_key(runtime, "ring-shop.test", name="Ring Shop")
    with runtime.db.transaction() as session:
        session.get_one(Shop, shop.shop_id).contact_email = "owner@ring-shop.example"
    client = app.test_client()

    response = client.post("/api/mail-settings/test", json={}, headers=shop.headers)

    assert response.status_code == 202
    email = response.get_json()["email"]
    assert email["recipient"] == "owner@ring-shop.example"
    assert email["kind"] == "test"
    assert email["status"] == "sent"
    assert len(list((tmp_path / "var" / "outbox").glob("*.eml"))) == 1


def test_send_me_a_test_without_a_shop_address_is_refused(runtime: Runtime, app: Flask) -> None:
    shop = shop_with_key(runtime, "ring-shop.test", name="Ring Shop")

    response = app.test_client().post("/api/mail-settings/test", headers=shop.headers)

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "no_shop_address"
    with runtime.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(EmailMessage)) == 0
