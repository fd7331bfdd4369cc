"""Merchant API: referrals with search and paging, the review queue, the ledger."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from tests.conftest import RuntimeFactory
from tests.faces.scenario import (
    ShopAccess,
    claim,
    converted_referral,
    friend_orders,
    referrer,
    shop_with_key,
)


@pytest.fixture
def world(
    make_runtime: RuntimeFactory, database_url: str
) -> tuple[Runtime, FlaskClient, ShopAccess, ShopAccess]:
    runtime = make_runtime(database_url)
    client = create_app(runtime=runtime).test_client()
    one, two = shop_with_key(runtime, "one.test"), shop_with_key(runtime, "two.test")
    anna = referrer(runtime, one.shop_id, "anna@example.com", "Anna", shipping="1 main st")
    converted_referral(runtime, one.shop_id, anna, "bob@example.com", "1001", "80.00")
    claim(runtime, one.shop_id, anna, "carol@example.com")
    # Same shipping address as the referrer: the fraud rules send it to review.
    dave_code = claim(runtime, one.shop_id, anna, "dave@example.com")
    friend_orders(
        runtime, one.shop_id, "1003", "dave@example.com", dave_code, "40", shipping="1 main st"
    )
    zed = referrer(runtime, two.shop_id, "zed@example.com", "Zed")
    converted_referral(runtime, two.shop_id, zed, "yan@example.com", "9001", "10.00")
    return runtime, client, one, two


World = tuple[Runtime, FlaskClient, ShopAccess, ShopAccess]


def test_referrals_are_listed_newest_first_with_paging(world: World) -> None:
    _, client, one, _ = world

    first = client.get("/api/referrals?per_page=2", headers=one.headers).get_json()
    second = client.get("/api/referrals?per_page=2&page=2", headers=one.headers).get_json()

    assert first["total"] == 3
    assert [r["friend_email"] for r in first["referrals"]] == [
        "dave@example.com",
        "carol@example.com",
    ]
    assert [r["friend_email"] for r in second["referrals"]] == ["bob@example.com"]
    assert second["referrals"][0]["order_subtotal"] == "80.00"
    assert second["referrals"][0]["points_pending"] == 1000


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("CAROL", ["carol@example.com"]),
        ("1001", ["bob@example.com"]),
        ("review", ["dave@example.com"]),
        ("offered", ["carol@example.com"]),
        ("%", []),
        ("nobody", []),
    ],
)
def test_referral_search_matches_email_order_or_status(
    world: World, query: str, expected: list[str]
) -> None:
    _, client, one, _ = world

    body = client.get("/api/referrals", query_string={"q": query}, headers=one.headers).get_json()

    assert [r["friend_email"] for r in body["referrals"]] == expected
    assert body["total"] == len(expected)


def test_other_shops_referrals_are_invisible(world: World) -> None:
    _, client, _, two = world

    body = client.get("/api/referrals", headers=two.headers).get_json()

    assert [r["friend_email"] for r in body["referrals"]] == ["yan@example.com"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=x", "page"),
        ("per_page=101", "per_page"),
        ("per_page=-1", "per_page"),
    ],
)
def test_bad_paging_is_refused_by_name(world: World, query: str, field: str) -> None:
    _, client, one, _ = world

    response = client.get(f"/api/referrals?{query}", headers=one.headers)

    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "invalid_parameter",
        "message": response.get_json()["error"]["message"],
        "field": field,
    }


def test_review_queue_shows_flagged_referrals_and_approval_credits(world: World) -> None:
    _, client, one, _ = world
    queue = client.get("/api/review", headers=one.headers).get_json()["referrals"]
    assert [(r["friend_email"], r["review_reason"]) for r in queue] == [
        ("dave@example.com", "same_shipping_address")
    ]

    response = client.post(
        f"/api/review/{queue[0]['id']}",
        json={"decision": "approve", "reason": "siblings, checked"},
        headers=one.headers,
    )

    assert response.status_code == 200
    decided = response.get_json()["referral"]
    assert decided["status"] == "pending"
    assert decided["decision_note"] == "siblings, checked"
    assert decided["points_pending"] == 1000
    assert client.get("/api/review", headers=one.headers).get_json()["referrals"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "maybe"}, "decision"),
        ({"decision": "reject", "reason": 5}, "reason"),
        ({"decision": "reject", "reason": "x" * 1001}, "reason"),
    ],
)
def test_bad_decision_is_refused_and_leaves_the_queue(
    world: World, body: dict[str, object], field: str
) -> None:
    _, client, one, _ = world
    queued = client.get("/api/review", headers=one.headers).get_json()["referrals"]

    response = client.post(f"/api/review/{queued[0]['id']}", json=body, headers=one.headers)

    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field
    assert client.get("/api/review", headers=one.headers).get_json()["referrals"] == queued


def test_another_shop_cannot_decide_a_referral(world: World) -> None:
    _, client, one, two = world
    queued = client.get("/api/review", headers=one.headers).get_json()["referrals"]

    response = client.post(
        f"/api/review/{queued[0]['id']}", json={"decision": "reject"}, headers=two.headers
    )

    assert response.status_code == 404
    assert client.get("/api/review", headers=one.headers).get_json()["referrals"] == queued


def test_ledger_lists_entries_of_this_shop_only(world: World) -> None:
    _, client, one, two = world

    mine = client.get("/api/ledger?per_page=1", headers=one.headers).get_json()
    theirs = client.get("/api/ledger", headers=two.headers).get_json()

    assert mine["total"] == 1
    entry = mine["entries"][0]
    assert (entry["kind"], entry["email"], entry["pending_delta"]) == (
        "earn",
        "anna@example.com",
        1000,
    )
    assert [e["email"] for e in theirs["entries"]] == ["zed@example.com"]
