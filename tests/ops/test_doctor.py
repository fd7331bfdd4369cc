"""`passiton doctor`: each check, against a real database and queue file and a WooCommerce store
mocked at the HTTP boundary; exit 0 only when nothing is wrong."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import responses
from click.testing import CliRunner, Result
from sqlalchemy.orm import Session

from passiton.app.cli import main
from passiton.app.config import load_settings
from passiton.app.runtime import Runtime, build_runtime
from passiton.app.tasks.heartbeat import beat
from passiton.connectors.shopify.store import API_TOPICS
from passiton.connectors.shopify.tokens import ShopifyCredentials
from passiton.core.models import Platform
from passiton.core.services.shops import install_shop
from tests.http.test_cli_woocommerce import API, STORE, TOPICS, connect_store
from tests.shopify.admin_api import GRAPHQL_URL, FakeAdminApi
from tests.shopify.admin_api import SHOP as SHOPIFY_SHOP


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("PASSITON_APP_URL", "SHOPIFY_API_KEY", "SHOPIFY_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PASSITON_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PASSITON_DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'passiton.db'}")
    monkeypatch.setenv("PASSITON_QUEUE_URL", f"sqlite:///{tmp_path / 'var' / 'queue.db'}")
    return tmp_path


@pytest.fixture
def runtime(environment: Path) -> Iterator[Runtime]:
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    made = build_runtime(load_settings())
    yield made
    made.close()


def doctor() -> Result:
    return CliRunner().invoke(main, ["doctor"])


def store_answers_facts() -> None:
    responses.get(f"{STORE}/wp-json/", json={"name": "Shop", "timezone_string": "Europe/Berlin"})
    responses.get(f"{API}/settings/general", json=[{"id": "woocommerce_currency", "value": "EUR"}])
    responses.get(f"{API}/system_status", json={"environment": {"language": "de_DE"}})
    responses.get(
        f"{API}/settings/email/woocommerce_email_from_address", json={"value": "shop@example.com"}
    )


def store_has_webhooks(shop_id: int, disabled: str | None = None) -> None:
    url = f"http://127.0.0.1:8000/webhooks/woocommerce/{shop_id}"
    hooks = [
        {
            "id": i,
            "topic": topic,
            "status": "disabled" if topic == disabled else "active",
            "delivery_url": url,
        }
        for i, topic in enumerate(TOPICS, start=1)
    ]
    responses.get(f"{API}/webhooks", json=hooks, headers={"X-WP-TotalPages": "1"})


@responses.activate
def test_all_good_exits_0_and_says_what_was_checked(runtime: Runtime) -> None:
    shop_id = connect_store(runtime)
    beat(runtime.huey)
    store_answers_facts()
    store_has_webhooks(shop_id)

    result = doctor()

    assert result.exit_code == 0, result.output
    assert "database: reachable, migrated to" in result.output
    assert "worker: seen 0 s ago" in result.output
    assert f"shop {shop_id} ({STORE}, woocommerce): credentials work; 4 webhooks active" in (
        result.output
    )
    assert "PROBLEM" not in result.output
    assert result.output.rstrip().endswith("All good.")


def test_an_unmigrated_database_is_a_problem_with_the_command_that_fixes_it(
    environment: Path,
) -> None:
    result = doctor()

    assert result.exit_code == 1
    assert "PROBLEM  database: is at migration none but this version needs" in result.output
    assert "run `passiton db upgrade`" in result.output


def test_no_worker_seen_recently_is_a_problem(runtime: Runtime) -> None:
    beat(runtime.huey, now=time.time() - 600)

    result = doctor()

    assert result.exit_code == 1
    assert re.search(r"PROBLEM  worker: no task worker seen for 60\d s", result.output)


def test_an_unreachable_queue_store_is_a_problem(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSITON_DATABASE_URL", runtime.settings.database_url)
    # A port nothing listens on (the SQLite database beside it is the local layout's).
    monkeypatch.setenv("PASSITON_QUEUE_URL", "redis://127.0.0.1:9/0")

    result = doctor()

    assert result.exit_code == 1
    assert "PROBLEM  queue: cannot be reached" in result.output


@responses.activate
def test_a_store_refusing_the_credentials_is_a_problem_named_for_the_shop(
    runtime: Runtime,
) -> None:
    shop_id = connect_store(runtime)
    beat(runtime.huey)
    responses.get(
        f"{STORE}/wp-json/",
        status=401,
        json={"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list."},
    )

    result = doctor()

    assert result.exit_code == 1
    assert f"PROBLEM  shop {shop_id} ({STORE}, woocommerce): the store refused" in result.output


@responses.activate
def test_a_webhook_woocommerce_disabled_is_reported_after_the_repair(runtime: Runtime) -> None:
    shop_id = connect_store(runtime)
    beat(runtime.huey)
    store_answers_facts()
    store_has_webhooks(shop_id, disabled="order.updated")
    responses.put(f"{API}/webhooks/2", json={"id": 2, "status": "active"})

    result = doctor()

    assert result.exit_code == 1
    assert "order.updated was disabled by WooCommerce (re-activated; check again soon)" in (
        result.output
    )


def test_a_setting_that_cannot_work_is_named(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    beat(runtime.huey)
    monkeypatch.setenv("PASSITON_APP_URL", "http://refer.example.com")
    monkeypatch.setenv("SHOPIFY_API_KEY", "client-id")

    result = doctor()

    assert result.exit_code == 1
    assert "PASSITON_APP_URL is http://refer.example.com: stores deliver webhooks only" in (
        result.output
    )
    assert "only one of SHOPIFY_API_KEY and SHOPIFY_API_SECRET is set" in result.output


def test_a_malformed_setting_is_reported_in_plain_words(
    environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSITON_TRUSTED_PROXIES", "many")

    result = doctor()

    assert result.exit_code == 1
    assert "PROBLEM  configuration: PASSITON_TRUSTED_PROXIES must be a whole number" in (
        result.output
    )


@responses.activate
def test_a_shopify_shop_is_checked_with_its_token_and_a_missing_webhook_registered(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPIFY_API_KEY", "client-id")
    monkeypatch.setenv("SHOPIFY_API_SECRET", "client-secret-0123456789abcdef")
    beat(runtime.huey)
    token = ShopifyCredentials(
        access_token="shpat_doctor",
        refresh_token=None,
        expires_at=datetime.now(UTC) + timedelta(hours=1),
        refresh_expires_at=None,
        scopes=("write_discounts",),
    )

    def install(session: Session) -> int:
        shop = install_shop(session, platform=Platform.SHOPIFY, domain=SHOPIFY_SHOP)
        shop.credentials = runtime.vault.seal(token.to_json())
        return shop.id

    shop_id = runtime.db.run(install)
    api = FakeAdminApi()
    responses.add_callback(responses.POST, GRAPHQL_URL, callback=api)
    api.answer("ShopFacts", {"shop": {"name": "Anna", "currencyCode": "EUR"}})
    api.answer("ShopLocales", {"shopLocales": [{"locale": "de", "primary": True}]})
    have = [{"topic": t} for t in API_TOPICS if t != "SHOP_UPDATE"]
    api.answer("Webhooks", {"webhookSubscriptions": {"nodes": have}})
    api.answer("WebhookCreate", {"webhookSubscriptionCreate": {"userErrors": []}})

    result = doctor()

    assert result.exit_code == 0, result.output
    assert f"shop {shop_id} ({SHOPIFY_SHOP}, shopify): credentials work" in result.output
    assert api.operations() == ["ShopFacts", "ShopLocales", "Webhooks", "WebhookCreate"]
    assert {token for _, _, token in api.calls} == {"shpat_doctor"}
