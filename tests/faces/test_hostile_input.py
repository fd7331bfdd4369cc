"""Hostile input on both databases: always a clear 4xx, never a 500, and nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from passiton.app.factory import create_app
from passiton.app.web.control_chars import has_control_chars
from passiton.core.models import ApiKey, Referral
from tests.conftest import RuntimeFactory
from tests.faces.scenario import referrer, shop_with_key

HUGE = str(10**20)


def test_hostile_requests_get_4xx_and_change_nothing(
    make_runtime: RuntimeFactory, database_url: str
) -> None:
    runtime = make_runtime(database_url)
    client = create_app(runtime=runtime).test_client()
    shop = shop_with_key(runtime, "one.test")
    code = referrer(runtime, shop.shop_id, "anna@example.com", "Anna")
    h = shop.headers
    calls = [
        client.get("/api/referrals", query_string={"q": "a\x00b"}, headers=h),
        client.get(f"/api/referrals?page={HUGE}", headers=h),
        client.get("/api/stats?days=%00", headers=h),
        client.post(f"/api/review/{HUGE}", json={"decision": "approve"}, headers=h),
        client.post("/api/review/1", json={"decision": "reject", "reason": "x\x00"}, headers=h),
        client.post("/api/keys", json={"name": "evil\x00"}, headers=h),
        client.delete(f"/api/keys/{HUGE}", headers=h),
        client.put("/api/settings", json={"how_it_works": 5}, headers=h),
        client.put("/api/settings", data=b"\xff\xfe", headers=h, content_type="application/json"),
        client.post(f"/r/{code}", data={"email": "bob\x00@example.com"}),
        client.get("/r/" + "A" * 5000),
    ]

    statuses = [r.status_code for r in calls]
    assert all(400 <= s < 500 for s in statuses), statuses
    for response in calls[:9]:
        assert set(response.get_json()["error"]) >= {"code", "message"}
    with runtime.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Referral)) == 0
        assert session.scalar(select(func.count()).select_from(ApiKey)) == 1
    assert client.get("/api/settings", headers=h).get_json()["version"] == 1


def test_how_it_works_may_hold_line_breaks_but_not_other_control_characters() -> None:
    assert not has_control_chars("Line one\n\nLine two\twith a tab")
    assert has_control_chars("nul\x00")
    assert has_control_chars("bell\x07")
    assert has_control_chars("del\x7f")


@pytest.mark.parametrize("text", ["\x00", "before\x00after", "bell\x07"])
def test_settings_text_with_control_characters_is_refused_at_its_field(
    make_runtime: RuntimeFactory, database_url: str, text: str
) -> None:
    runtime = make_runtime(database_url)
    client = create_app(runtime=runtime).test_client()
    shop = shop_with_key(runtime, "one.test")

    response = client.put("/api/settings", json={"how_it_works": text}, headers=shop.headers)

    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "how_it_works"
    assert client.get("/api/settings", headers=shop.headers).get_json()["version"] == 1
