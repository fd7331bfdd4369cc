"""WordPress's personal-data export and erasure reach Passiton through the companion plugin.

The plugin's PHP builds and signs the calls and turns Passiton's answers into what WordPress's
exporters and erasers return; Passiton runs the same use cases as Shopify's compliance topics.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.core.models import Customer
from tests.conftest import RuntimeFactory
from tests.faces.live_server import serve
from tests.woocommerce.plugin_php import ANNA, php, privacy_request, seed_store
from tests.woocommerce.test_plugin_php import Store

EXPORT, ERASE = "/woocommerce/plugin/privacy/export", "/woocommerce/plugin/privacy/erase"


@pytest.fixture
def store(make_runtime: RuntimeFactory, database_url: str) -> Store:
    """A connected store, its plugin key, and Anna with 800 available points."""
    runtime = make_runtime(database_url)
    shop_id, plugin_key = seed_store(runtime)
    return Store(runtime, create_app(runtime=runtime).test_client(), shop_id, plugin_key)


def _anna(runtime: Runtime) -> Customer:
    with runtime.db.sessions() as session:
        anna = session.scalar(select(Customer).where(Customer.referral_code.is_not(None)))
        assert anna is not None
        return anna


def _fields(result: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for item in result["data"] for f in item["data"]}


def test_the_exporter_returns_what_passiton_holds_in_wordpress_groups(store: Store) -> None:
    body = php("passiton_privacy_body", "Anna@Example.com", 7)

    status, answer = store.call(EXPORT, body)

    assert status == 200
    result = php("passiton_exporter_result", answer)
    assert result["done"] is True
    assert {item["group_id"] for item in result["data"]} == {"passiton-referrals"}
    assert _fields(result) | {"In the program since": ""} == {
        "E-mail": ANNA["email"],
        "First name": "Anna",
        "Referral code": "ANNA-7K2Q",
        "Points pending": "0",
        "Points available": "800",
        "In the program since": "",
    }


def test_the_eraser_redacts_the_shopper_and_keeps_the_points(store: Store) -> None:
    status, answer = store.call(ERASE, php("passiton_privacy_body", ANNA["email"], 0))

    assert status == 200
    assert php("passiton_eraser_result", answer) == {
        "items_removed": True,
        "items_retained": False,
        "messages": ["Referral program: points and amounts are kept without personal data."],
        "done": True,
    }
    anna = _anna(store.runtime)
    assert (anna.email, anna.first_name, anna.platform_customer_id) == (None, None, None)
    assert anna.redacted_at is not None
    assert anna.points_available == 800


def test_an_erasure_signed_with_another_key_changes_nothing(store: Store) -> None:
    request = store.signed(
        ERASE, php("passiton_privacy_body", ANNA["email"], 7), plugin_key="wpk_" + "x" * 40
    )

    status, _ = store.send(request)

    assert status == 401
    anna = _anna(store.runtime)
    assert (anna.email, anna.redacted_at) == (ANNA["email"], None)


@pytest.mark.parametrize("email", ["", "no-address", "x" * 300 + "@example.com"])
def test_an_erasure_without_a_usable_address_is_refused_and_changes_nothing(
    store: Store, email: str
) -> None:
    status, answer = store.call(ERASE, php("passiton_privacy_body", email, 7))

    assert status == 422
    assert php("passiton_eraser_result", answer) is None
    assert _anna(store.runtime).redacted_at is None


@dataclass
class Site:
    runtime: Runtime
    options: dict[str, Any]


@pytest.fixture
def site(make_runtime: RuntimeFactory, sqlite_url: str) -> Iterator[Site]:
    """A store running the plugin on a fake WordPress, and Passiton served over HTTP."""
    runtime = make_runtime(sqlite_url)
    shop_id, plugin_key = seed_store(runtime)
    with serve(runtime, create_app(runtime=runtime)) as live:
        settings = {"app_url": live.url, "shop_id": str(shop_id), "plugin_key": plugin_key}
        yield Site(runtime, {"passiton_settings": settings})


def test_a_shoppers_erasure_request_on_the_store_reaches_passiton(site: Site) -> None:
    user = {"ID": 7, "user_email": ANNA["email"], "first_name": "Anna"}

    done = privacy_request("erase", ANNA["email"], site.options, user)

    assert done["name"] == "Passiton referral program"
    assert done["answer"]["items_removed"] is True
    assert [c["status"] for c in done["calls"]] == [200]
    assert _anna(site.runtime).redacted_at is not None


def test_a_shoppers_export_request_on_the_store_gets_passitons_data(site: Site) -> None:
    done = privacy_request("export", ANNA["email"], site.options, None)

    assert done["answer"]["done"] is True
    assert _fields(done["answer"])["Referral code"] == "ANNA-7K2Q"


def test_an_unreachable_passiton_fails_the_request_instead_of_completing_it(site: Site) -> None:
    settings = {**site.options["passiton_settings"], "app_url": "http://127.0.0.1:9"}

    done = privacy_request("erase", ANNA["email"], {"passiton_settings": settings}, None)

    assert done["answer"] == {"wp_error": True}
    assert _anna(site.runtime).redacted_at is None
