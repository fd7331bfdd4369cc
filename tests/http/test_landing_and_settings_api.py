"""The friend landing page and the settings API, over HTTP."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select

from passiton.app.runtime import Runtime
from passiton.app.web.merchant.api_keys import create_api_key
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import Platform, ProgramSettingsVersion, Referral, Shop
from passiton.core.services.shops import update_settings
from tests.support.builders import make_referrer, make_shop


def shop_and_referrer(runtime: Runtime) -> tuple[int, str]:
    stores = runtime.stores
    assert isinstance(stores, FakeStoreDirectory)
    shop_id = make_shop(runtime.db, stores)
    return shop_id, make_referrer(runtime.db, shop_id).referral_code


def referrals(runtime: Runtime) -> int:
    with runtime.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Referral)) or 0)


def test_landing_page_shows_the_friend_offer(client: FlaskClient, runtime: Runtime) -> None:
    _, code = shop_and_referrer(runtime)
    page = client.get(f"/r/{code.lower()}")
    assert page.status_code == 200
    assert "Anna gave you 15% off your first order" in page.get_data(as_text=True)


def test_unknown_link_gets_404(client: FlaskClient, runtime: Runtime) -> None:
    shop_and_referrer(runtime)
    assert client.get("/r/NOBODY-2345").status_code == 404
    assert client.post("/r/NOBODY-2345", data={"email": "f@example.com"}).status_code == 404
    assert referrals(runtime) == 0


def test_claim_on_a_shopify_shop_redirects_with_the_code_applied(
    client: FlaskClient, runtime: Runtime
) -> None:
    shop_id, code = shop_and_referrer(runtime)
    with runtime.db.transaction() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None
        shop.platform = Platform.SHOPIFY
        shop.domain = "anna.myshopify.com"
    response = client.post(f"/r/{code}", data={"email": "fritz@example.com"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("https://anna.myshopify.com/discount/PI-")
    assert location.endswith("?redirect=/")


def test_claim_with_a_bad_email_shows_the_error_and_changes_nothing(
    client: FlaskClient, runtime: Runtime
) -> None:
    _, code = shop_and_referrer(runtime)
    response = client.post(f"/r/{code}", data={"email": "nope"})
    assert response.status_code == 422
    assert "valid e-mail" in response.get_data(as_text=True)
    assert referrals(runtime) == 0


def test_paused_program_says_so(client: FlaskClient, runtime: Runtime) -> None:
    shop_id, code = shop_and_referrer(runtime)
    with runtime.db.transaction() as session:
        update_settings(session, shop_id, {"enabled": False})
    assert client.get(f"/r/{code}").status_code == 409
    assert client.post(f"/r/{code}", data={"email": "fritz@example.com"}).status_code == 409
    assert referrals(runtime) == 0


def test_settings_api_saves_a_new_version(client: FlaskClient, runtime: Runtime) -> None:
    shop_id, _ = shop_and_referrer(runtime)
    key = runtime.db.run(lambda s: create_api_key(s, shop_id))
    auth = {"Authorization": f"Bearer {key}"}
    response = client.put("/api/settings", json={"hold_days": 14}, headers=auth)
    assert response.status_code == 200
    assert response.get_json()["version"] == 2
    assert client.get("/api/settings", headers=auth).get_json()["settings"]["hold_days"] == 14


def test_invalid_setting_is_refused_naming_the_field_and_changes_nothing(
    client: FlaskClient, runtime: Runtime
) -> None:
    shop_id, _ = shop_and_referrer(runtime)
    key = runtime.db.run(lambda s: create_api_key(s, shop_id))
    response = client.put(
        "/api/settings", json={"hold_days": -3}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_settings"
    assert response.get_json()["error"]["field"] == "hold_days"
    with runtime.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProgramSettingsVersion)) == 1


def test_settings_api_requires_credentials(client: FlaskClient, runtime: Runtime) -> None:
    shop_and_referrer(runtime)
    assert client.get("/api/settings").status_code == 401
    bad = client.get("/api/settings", headers={"Authorization": "Bearer pk_nope"})
    assert bad.status_code == 401
    assert bad.get_json()["error"]["code"] == "unauthenticated"


def test_landing_page_wears_the_store_colour(client: FlaskClient, runtime: Runtime) -> None:
    shop_id, code = shop_and_referrer(runtime)
    with runtime.db.transaction() as session:
        update_settings(session, shop_id, {"brand_color": "#ffdd00"})
    page = client.get(f"/r/{code}").get_data(as_text=True)
    assert "--brand: #ffdd00; --on-brand: #111111;" in page
