"""The merchant API's e-mails: the shop's outbox, newest first, and a preview of each."""

from __future__ import annotations

from flask import Flask

from passiton.app.runtime import Runtime
from tests.faces.scenario import claim, referrer, shop_with_key


def test_emails_lists_the_shops_messages_newest_first_with_paging(
    runtime: Runtime, app: Flask
) -> None:
    shop = shop_with_key(runtime, "ring-shop.test", name="Ring Shop")
    other = shop_with_key(runtime, "other-shop.test", name="Other Shop")
    anna = referrer(runtime, shop.shop_id, "anna@example.com", "Anna")
    for friend in ("bob@example.com", "carol@example.com", "dave@example.com"):
        claim(runtime, shop.shop_id, anna, friend)
    client = app.test_client()

    first = client.get("/api/emails?per_page=2", headers=shop.headers).get_json()
    second = client.get("/api/emails?per_page=2&page=2", headers=shop.headers).get_json()
    others = client.get("/api/emails", headers=other.headers).get_json()

    assert first["total"] == 3
    assert [m["recipient"] for m in first["emails"]] == ["dave@example.com", "carol@example.com"]
    assert [m["recipient"] for m in second["emails"]] == ["bob@example.com"]
    assert first["emails"][0]["kind"] == "friend_code"
    assert first["emails"][0]["status"] == "queued"
    assert first["emails"][0]["last_error"] is None
    assert others == {"page": 1, "per_page": 25, "total": 0, "emails": []}


def test_preview_renders_the_message_for_its_shop_only(runtime: Runtime, app: Flask) -> None:
    shop = shop_with_key(runtime, "ring-shop.test", name="Ring Shop")
    other = shop_with_key(runtime, "other-shop.test", name="Other Shop")
    anna = referrer(runtime, shop.shop_id, "anna@example.com", "Anna")
    code = claim(runtime, shop.shop_id, anna, "bob@example.com")
    client = app.test_client()
    [email] = client.get("/api/emails", headers=shop.headers).get_json()["emails"]

    preview = client.get(f"/api/emails/{email['id']}/preview", headers=shop.headers)
    foreign = client.get(f"/api/emails/{email['id']}/preview", headers=other.headers)
    missing = client.get("/api/emails/999999/preview", headers=shop.headers)

    assert preview.status_code == 200
    body = preview.get_json()
    assert body["subject"] == "Your code for Ring Shop"
    assert code in body["text"]
    assert code in body["html"]
    assert foreign.status_code == 404
    assert foreign.get_json()["error"]["code"] == "unknown_email"
    assert missing.status_code == 404


def test_emails_need_credentials(app: Flask) -> None:
    assert app.test_client().get("/api/emails").status_code == 401
    assert app.test_client().get("/api/emails/1/preview").status_code == 401
