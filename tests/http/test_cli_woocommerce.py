"""`passiton woocommerce check-webhooks` against a store mocked at the HTTP boundary."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import responses
from click.testing import CliRunner
from sqlalchemy.orm import Session

from passiton.app.cli import main
from passiton.app.config import load_settings
from passiton.app.runtime import Runtime, build_runtime
from passiton.core.models import Platform, Shop
from passiton.core.services.shops import install_shop

STORE = "https://shop.example"
API = f"{STORE}/wp-json/wc/v3"
TOPICS = ("order.created", "order.updated", "order.deleted", "customer.created")


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PASSITON_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PASSITON_DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'passiton.db'}")
    monkeypatch.setenv("PASSITON_QUEUE_URL", f"sqlite:///{tmp_path / 'var' / 'queue.db'}")
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    made = build_runtime(load_settings())
    yield made
    made.close()


def connect_store(runtime: Runtime) -> int:
    def connect(session: Session) -> int:
        shop = install_shop(session, platform=Platform.WOOCOMMERCE, domain=STORE)
        shop.credentials = runtime.vault.seal(
            {"store_url": STORE, "consumer_key": "ck_x", "consumer_secret": "cs_x"}
        )
        shop.webhook_secret = runtime.vault.seal_text("s3cretS3cret")
        return shop.id

    return runtime.db.run(connect)


def hooks(shop_id: int, disabled: str | None = None) -> list[dict[str, object]]:
    url = f"http://127.0.0.1:8000/webhooks/woocommerce/{shop_id}"
    return [
        {
            "id": i,
            "name": f"Passiton {topic}",
            "topic": topic,
            "status": "disabled" if topic == disabled else "active",
            "delivery_url": url,
        }
        for i, topic in enumerate(TOPICS, start=1)
    ]


@responses.activate
def test_a_disabled_webhook_is_reactivated_and_the_failure_count_caveat_shown(
    runtime: Runtime,
) -> None:
    shop_id = connect_store(runtime)
    responses.get(
        f"{API}/webhooks", json=hooks(shop_id, "order.updated"), headers={"X-WP-TotalPages": "1"}
    )
    responses.put(f"{API}/webhooks/2", json=hooks(shop_id)[1])

    result = CliRunner().invoke(main, ["woocommerce", "check-webhooks", "--shop", str(shop_id)])

    assert result.exit_code == 0, result.output
    assert "order.updated: disabled, re-activated" in result.output
    assert "order.created: active" in result.output
    assert "failure count at 6" in result.output
    assert json.loads(responses.calls[1].request.body or b"{}") == {"status": "active"}
    # The repair asks for a reconciliation now and another check soon, not in an hour.
    queued = {task.name: task for task in runtime.huey.pending()}
    assert sorted(queued) == ["reconcile_shop", "register_webhooks"]
    assert queued["reconcile_shop"].eta is None
    recheck = queued["register_webhooks"]
    assert recheck.args == (shop_id,)
    assert recheck.eta is not None
    assert timedelta(minutes=5) <= recheck.eta - datetime.now(UTC).replace(tzinfo=None)
    assert recheck.eta - datetime.now(UTC).replace(tzinfo=None) <= timedelta(minutes=15)


@responses.activate
def test_healthy_webhooks_are_reported_and_left_alone(runtime: Runtime) -> None:
    shop_id = connect_store(runtime)
    responses.get(f"{API}/webhooks", json=hooks(shop_id), headers={"X-WP-TotalPages": "1"})

    result = CliRunner().invoke(main, ["woocommerce", "check-webhooks"])

    assert result.exit_code == 0, result.output
    assert [line.strip() for line in result.output.splitlines()[1:]] == [
        f"{topic}: active" for topic in TOPICS
    ]
    assert len(responses.calls) == 1
    assert runtime.huey.pending_count() == 0


@responses.activate
def test_a_store_that_refuses_the_keys_fails_the_command_clearly(runtime: Runtime) -> None:
    connect_store(runtime)
    responses.get(
        f"{API}/webhooks",
        json={"code": "woocommerce_rest_cannot_view", "message": "no"},
        status=401,
    )
    result = CliRunner().invoke(main, ["woocommerce", "check-webhooks"])
    assert result.exit_code != 0
    assert "could not be checked" in result.output


def test_a_shop_of_another_platform_is_refused(runtime: Runtime) -> None:
    shop_id = runtime.db.run(
        lambda s: install_shop(s, platform=Platform.SHOPIFY, domain="a.myshopify.com").id
    )
    result = CliRunner().invoke(main, ["woocommerce", "check-webhooks", "--shop", str(shop_id)])
    assert result.exit_code != 0
    assert "not a WooCommerce store" in result.output
    assert runtime.db.run(lambda s: s.get(Shop, shop_id)) is not None
