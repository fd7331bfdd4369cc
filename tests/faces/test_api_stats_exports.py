"""Merchant API: stats for the dashboard and CSV exports."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask.testing import FlaskClient

from passiton.app.factory import create_app
from passiton.app.web.merchant.api_exports import csv_cell
from passiton.core.events import OrderState, RefundSeen
from passiton.core.services.orders import handle_order
from tests.conftest import RuntimeFactory
from tests.faces.scenario import (
    ShopAccess,
    claim,
    converted_referral,
    friend_orders,
    referrer,
    shop_with_key,
)


def _shop_with_history(
    make_runtime: RuntimeFactory, url: str
) -> tuple[FlaskClient, ShopAccess, ShopAccess]:
    runtime = make_runtime(url)
    client = create_app(runtime=runtime).test_client()
    one, two = shop_with_key(runtime, "one.test"), shop_with_key(runtime, "two.test")
    anna = referrer(runtime, one.shop_id, "anna@example.com", "Anna")
    ben = referrer(runtime, one.shop_id, "ben@example.com", "Ben")
    converted_referral(runtime, one.shop_id, anna, "f1@example.com", "1", "100.00")
    converted_referral(runtime, one.shop_id, anna, "f2@example.com", "2", "50.50")
    converted_referral(runtime, one.shop_id, ben, "f3@example.com", "3", "20.00")
    claim(runtime, one.shop_id, ben, "=cmd@example.com")
    for _ in range(3):
        client.get(f"/r/{anna}")
    zed = referrer(runtime, two.shop_id, "zed@example.com", "Zed")
    converted_referral(runtime, two.shop_id, zed, "y@example.com", "9", "999.00")
    return client, one, two


def test_stats_report_funnel_revenue_points_and_series(
    make_runtime: RuntimeFactory, database_url: str
) -> None:
    client, one, _ = _shop_with_history(make_runtime, database_url)

    stats = client.get("/api/stats?days=7", headers=one.headers).get_json()

    assert stats["funnel"] == {
        "link_visits": 3,
        "claimed": 4,
        "ordered": 3,
        "converted": 3,
        "pending": 3,
        "approved": 0,
        "in_review": 0,
        "reversed": 0,
        "rejected": 0,
    }
    assert stats["referred_revenue"] == "170.50"
    assert stats["conversion_rate"] == "0.7500"
    # Three referrals at 1000 points, 100 points to one unit of currency.
    assert stats["points"] == {
        "pending": 3000,
        "available": 0,
        "outstanding": 3000,
        "outstanding_value": "30.00",
    }
    assert [(t["name"], t["referrals"], t["revenue"]) for t in stats["top_referrers"]] == [
        ("Anna", 2, "150.50"),
        ("Ben", 1, "20.00"),
    ]
    assert len(stats["series"]) == 7
    today = stats["series"][-1]
    assert today["day"] == datetime.now(UTC).date().isoformat()
    assert (today["visits"], today["referrals"], today["revenue"]) == (3, 4, "170.50")
    assert all(p["referrals"] == p["visits"] == 0 for p in stats["series"][:-1])


def test_refunded_and_in_review_orders_do_not_count_as_friend_conversion(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    # Given four claims: one order that counts, one refunded in full, one held for review
    # (same shipping address as the referrer), and a friend who never ordered
    runtime = make_runtime(sqlite_url)
    client = create_app(runtime=runtime).test_client()
    shop = shop_with_key(runtime, "one.test")
    anna = referrer(runtime, shop.shop_id, "anna@example.com", "Anna", shipping="1 main st")
    converted_referral(runtime, shop.shop_id, anna, "f1@example.com", "1", "100.00")
    converted_referral(runtime, shop.shop_id, anna, "f2@example.com", "2", "50.00")
    refund = OrderState(
        order_id="2",
        updated_at=datetime.now(UTC) + timedelta(minutes=1),
        customer_id=None,
        email="f2@example.com",
        first_name=None,
        currency="USD",
        total=Decimal("50.00"),
        subtotal=Decimal("50.00"),
        paid=True,
        cancelled=False,
        refunds=(RefundSeen("r2", Decimal("50.00")),),
    )
    runtime.db.run(lambda s: handle_order(s, shop.shop_id, refund, refund.updated_at))
    code = claim(runtime, shop.shop_id, anna, "f3@example.com")
    friend_orders(runtime, shop.shop_id, "3", "f3@example.com", code, "40", shipping="1 main st")
    claim(runtime, shop.shop_id, anna, "f4@example.com")

    # When the merchant opens the stats
    stats = client.get("/api/stats", headers=shop.headers).get_json()

    # Then the funnel shows each fate separately, and only the counting order converts
    funnel = stats["funnel"]
    assert (funnel["claimed"], funnel["ordered"]) == (4, 3)
    assert (funnel["pending"], funnel["reversed"], funnel["in_review"]) == (1, 1, 1)
    assert (funnel["approved"], funnel["rejected"]) == (0, 0)
    assert stats["conversion_rate"] == "0.2500"
    assert stats["referred_revenue"] == "100.00"


def test_stats_of_an_empty_shop_have_no_rate(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    runtime = make_runtime(sqlite_url)
    client = create_app(runtime=runtime).test_client()
    empty = shop_with_key(runtime, "empty.test")

    stats = client.get("/api/stats", headers=empty.headers).get_json()

    assert stats["conversion_rate"] is None
    assert stats["referred_revenue"] == "0.00"
    assert len(stats["series"]) == 30


def test_stats_refuse_a_bad_window(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    client, one, _ = _shop_with_history(make_runtime, sqlite_url)

    response = client.get("/api/stats?days=366", headers=one.headers)

    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "days"


def test_referrals_csv_has_this_shops_rows_and_defuses_formulas(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, one, _ = _shop_with_history(make_runtime, sqlite_url)

    response = client.get("/api/exports/referrals.csv", headers=one.headers)

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["friend_email"] for r in rows] == [
        "f1@example.com",
        "f2@example.com",
        "f3@example.com",
        "'=cmd@example.com",
    ]
    assert rows[1]["order_subtotal"] == "50.50"


def test_ledger_csv_has_this_shops_entries(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    client, one, two = _shop_with_history(make_runtime, sqlite_url)

    mine = client.get("/api/exports/ledger.csv", headers=one.headers).get_data(as_text=True)
    theirs = client.get("/api/exports/ledger.csv", headers=two.headers).get_data(as_text=True)

    rows = list(csv.DictReader(io.StringIO(mine)))
    assert [(r["kind"], r["email"], r["pending_delta"]) for r in rows] == [
        ("earn", "anna@example.com", "1000"),
        ("earn", "anna@example.com", "1000"),
        ("earn", "ben@example.com", "1000"),
    ]
    assert [r["email"] for r in csv.DictReader(io.StringIO(theirs))] == ["zed@example.com"]


def test_csv_cells_never_start_a_formula() -> None:
    assert [csv_cell(v) for v in ("=1+1", "+1", "-1", "@a", "plain", None, 5)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@a",
        "plain",
        "",
        "5",
    ]
