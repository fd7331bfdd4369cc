"""Where a link was shared from: counted on the visit, kept on the claim, reported per channel."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.core.models import Customer, LinkVisitDay, Platform, Referral
from tests.conftest import RuntimeFactory
from tests.faces.scenario import ShopAccess, friend_orders, referrer, shop_with_key


def _shop(make_runtime: RuntimeFactory, url: str) -> tuple[Runtime, FlaskClient, ShopAccess, str]:
    runtime = make_runtime(url)
    client = create_app(runtime=runtime).test_client()
    shop = shop_with_key(
        runtime, "ring-shop.myshopify.com", platform=Platform.SHOPIFY, name="Ring Shop"
    )
    code = referrer(runtime, shop.shop_id, "anna@example.com", "Anna")
    return runtime, client, shop, code


def _channels(client: FlaskClient, shop: ShopAccess) -> dict[str, dict[str, Any]]:
    response = client.get("/api/channels", headers=shop.headers)
    assert response.status_code == 200
    return {row.pop("channel"): row for row in response.get_json()["channels"]}


def _friend_code(location: str) -> str:
    # https://ring-shop.myshopify.com/discount/<code>?redirect=/
    return location.split("/discount/")[1].split("?")[0]


def test_visits_claims_and_orders_are_counted_per_channel(
    make_runtime: RuntimeFactory, database_url: str
) -> None:
    runtime, client, shop, code = _shop(make_runtime, database_url)
    client.get(f"/r/{code}?ch=whatsapp")
    client.get(f"/r/{code}?ch=whatsapp")
    client.get(f"/r/{code}?ch=qr")
    client.get(f"/r/{code}")
    page = client.get(f"/r/{code}?ch=whatsapp").get_data(as_text=True)
    assert '<input type="hidden" name="ch" value="whatsapp">' in page

    bob = client.post(f"/r/{code}", data={"email": "bob@example.com", "ch": "whatsapp"})
    assert bob.status_code == 303, bob.get_data(as_text=True)[-600:]
    client.post(f"/r/{code}", data={"email": "cleo@example.com", "ch": "qr"})
    friend_orders(
        runtime, shop.shop_id, "1001", "bob@example.com", _friend_code(bob.location), "80"
    )

    assert _channels(client, shop) == {
        "whatsapp": {"visits": 3, "claims": 1, "orders": 1},
        "qr": {"visits": 1, "claims": 1, "orders": 0},
        "direct": {"visits": 1, "claims": 0, "orders": 0},
    }
    with runtime.db.sessions() as session:
        assert sum(d.visits for d in session.scalars(select(LinkVisitDay))) == 5


def test_an_unknown_channel_counts_as_other_and_keeps_the_code(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime, client, shop, code = _shop(make_runtime, sqlite_url)

    page = client.get(f"/r/{code}?ch=<script>")
    claimed = client.post(f"/r/{code}", data={"email": "bob@example.com", "ch": "myspace"})

    assert page.status_code == 200
    assert "<script>" not in page.get_data(as_text=True).split("<main", 1)[1]
    assert claimed.status_code == 303
    assert _channels(client, shop) == {"other": {"visits": 1, "claims": 1, "orders": 0}}
    with runtime.db.sessions() as session:
        referral = session.scalars(select(Referral)).one()
    assert referral.channel == "other"


def test_a_friend_claiming_again_keeps_the_channel_that_brought_them(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    _, client, shop, code = _shop(make_runtime, sqlite_url)

    first = client.post(f"/r/{code}", data={"email": "bob@example.com", "ch": "sms"})
    again = client.post(f"/r/{code}", data={"email": "bob@example.com", "ch": "copy"})

    assert first.location == again.location
    assert _channels(client, shop) == {"sms": {"visits": 0, "claims": 1, "orders": 0}}


def test_the_channel_report_needs_the_shops_credentials_and_shows_only_its_own(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime, client, _, code = _shop(make_runtime, sqlite_url)
    other = shop_with_key(runtime, "other-shop.myshopify.com", name="Other Shop")
    client.get(f"/r/{code}?ch=card")

    assert client.get("/api/channels").status_code == 401
    assert _channels(client, other) == {}


def test_the_channel_report_is_described_in_the_openapi_document(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    _, client, _, _ = _shop(make_runtime, sqlite_url)

    document = client.get("/api/openapi.json").get_json()

    answer = document["paths"]["/api/channels"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ChannelReport"
    }
    counts = document["components"]["schemas"]["ChannelCountsView"]
    assert set(counts["properties"]) == {"channel", "visits", "claims", "orders"}


def test_the_parcel_card_is_the_shops_own_and_links_with_the_card_channel(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime, client, shop, code = _shop(make_runtime, sqlite_url)
    other = shop_with_key(runtime, "other-shop.myshopify.com", name="Other Shop")
    with runtime.db.sessions() as session:
        anna = session.scalars(select(Customer.id)).one()

    card = client.get(f"/api/cards/{anna}", headers=shop.headers)
    theirs = client.get(f"/api/cards/{anna}", headers=other.headers)
    anonymous = client.get(f"/api/cards/{anna}")
    beyond = client.get("/api/cards/335186818957929343835176960", headers=shop.headers)

    html = card.get_data(as_text=True)
    assert card.status_code == 200
    assert "A gift for a friend of yours" in html
    assert "<svg" in html
    assert code in html
    assert "points" not in html
    assert (theirs.status_code, anonymous.status_code, beyond.status_code) == (404, 401, 404)
