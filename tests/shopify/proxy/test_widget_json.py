"""`/proxy/widget.json`: the widget's data (`WidgetData`) for the signed, logged-in customer."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from passiton.app.runtime import Runtime
from passiton.core import ledger
from passiton.core.models import EntryKind, Platform, Referral
from passiton.core.services.shops import install_shop
from tests.shopify.app_requests import proxy_query
from tests.shopify.proxy.shoppers import (
    ANNA,
    BEN,
    OTHER_SHOP,
    give_points,
    spend,
    widget,
    written_rows,
)
from tests.shopify.shopify_data import SHOP


def test_widget_enrols_the_customer_and_shows_link_points_and_rules(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    status, body = widget(web, proxy_query(customer=ANNA))

    assert status == 200
    customer = body["customer"]
    code = customer["referral_code"]
    assert customer["link"] == f"http://passiton.test/r/{code}"
    points = (customer["points_pending"], customer["points_available"])
    assert (points, customer["available_value"]) == ((0, 0), "0.00")
    assert (body["history"], body["rewards"]) == ([], [])
    assert (body["shop_name"], body["currency"], body["friend_offer"]) == (SHOP, "USD", "15%")
    assert (body["min_redemption_points"], body["points_per_currency_unit"]) == (500, 100)
    assert body["gifts_enabled"] is True
    assert body["login_url"] == "/account/login?return_url=/apps/passiton"
    # A second visit finds the same account.
    assert widget(web, proxy_query(customer=ANNA))[1]["customer"]["referral_code"] == code
    assert written_rows(shopify_runtime)[0] == 1


def test_widget_for_a_guest_has_no_customer_and_writes_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    status, body = widget(web, proxy_query(customer=None))

    assert (status, body["customer"], body["history"], body["rewards"]) == (200, None, [], [])
    assert body["friend_offer"] == "15%"
    assert written_rows(shopify_runtime) == (0, 0, 0)


def test_widget_shows_only_the_logged_in_customers_data(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    give_points(shopify_runtime, shop_id, ANNA, 1500)
    body = {"points": 600, "kind": "reward", "idempotency_key": "k1"}
    assert spend(web, body, query=proxy_query(customer=ANNA))[0] == 200

    ben = widget(web, proxy_query(customer=BEN))[1]
    anna = widget(web, proxy_query(customer=ANNA))[1]

    assert (ben["customer"]["points_available"], ben["rewards"], ben["history"]) == (0, [], [])
    assert anna["customer"]["points_available"] == 900
    assert [r["amount"] for r in anna["rewards"]] == ["6.00"]


def test_the_same_customer_id_in_another_shop_is_another_account(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    shopify_runtime.db.run(
        lambda s: install_shop(s, platform=Platform.SHOPIFY, domain=OTHER_SHOP).id
    )
    give_points(shopify_runtime, shop_id, ANNA, 1500)

    status, body = widget(web, proxy_query(OTHER_SHOP, customer=ANNA))

    assert (status, body["customer"]["points_available"]) == (200, 0)


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        (lambda: proxy_query(secret="forged-secret"), 401, "invalid_signature"),
        (lambda: proxy_query(age=300), 401, "invalid_signature"),
        (lambda: proxy_query().replace("7001", "7002"), 401, "invalid_signature"),
        (lambda: proxy_query(customer="7001; drop"), 401, "not_logged_in"),
        (lambda: proxy_query("carl-coats.myshopify.com"), 404, "unknown_shop"),
        (lambda: "", 401, "invalid_signature"),
    ],
    ids=["forged", "old", "other-customer", "malformed-customer", "unknown-shop", "unsigned"],
)
def test_unverified_widget_requests_are_refused_and_write_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, query: Any, status: int, code: str
) -> None:
    answer = widget(web, query())

    assert (answer[0], answer[1]["error"]["code"]) == (status, code)
    assert written_rows(shopify_runtime) == (0, 0, 0)


def test_history_shows_the_customers_own_entries_without_friend_emails(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    anna = give_points(shopify_runtime, shop_id, ANNA, 0)
    give_points(shopify_runtime, shop_id, BEN, 200)

    def referred_and_approved(session: Session) -> None:
        referral = Referral(
            shop_id=shop_id, referrer_id=anna, settings_version=1, friend_email="fr@example.com"
        )
        session.add(referral)
        session.flush()
        post: dict[str, Any] = {"shop_id": shop_id, "customer_id": anna, "referral_id": referral.id}
        ledger.post(session, kind=EntryKind.EARN, key="earn:1", pending=1000, **post)
        ledger.post(
            session, kind=EntryKind.APPROVE, key="approve:1", pending=-1000, available=1000, **post
        )

    shopify_runtime.db.run(referred_and_approved)

    body = widget(web, proxy_query(customer=ANNA))[1]

    lines = [(h["description"], h["points"]) for h in body["history"]]
    assert lines == [
        ("Points confirmed after the return window", 1000),
        ("A friend's order", 1000),
    ]
    assert "fr@example.com" not in str(body)
