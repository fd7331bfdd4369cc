"""A privacy data request's export reaches the merchant through the API, and only theirs."""

from __future__ import annotations

from flask.testing import FlaskClient

from passiton.app.runtime import Runtime
from passiton.app.web.merchant.api_keys import create_api_key
from passiton.core.events import CustomerDataRequested
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.services.dispatch import apply_events
from tests.support.builders import T0, make_referrer, make_shop


def test_data_request_export_is_listed_for_its_shop_only(
    client: FlaskClient, runtime: Runtime
) -> None:
    stores = runtime.stores
    assert isinstance(stores, FakeStoreDirectory)
    shop_id = make_shop(runtime.db, stores)
    other_id = make_shop(runtime.db, stores, domain="other.example")
    make_referrer(runtime.db, shop_id, email="anna@example.com")
    request = CustomerDataRequested(customer_id=None, email="anna@example.com")
    runtime.db.run(lambda s: apply_events(s, shop_id, [request], T0))
    own = runtime.db.run(lambda s: create_api_key(s, shop_id))
    foreign = runtime.db.run(lambda s: create_api_key(s, other_id))

    mine = client.get("/api/data-exports", headers={"Authorization": f"Bearer {own}"})
    theirs = client.get("/api/data-exports", headers={"Authorization": f"Bearer {foreign}"})

    assert mine.status_code == 200
    [export] = mine.get_json()["exports"]
    assert export["data"]["customers"][0]["email"] == "anna@example.com"
    assert theirs.get_json() == {"exports": []}
    assert client.get("/api/data-exports").status_code == 401
