"""The receiver's contract, whatever the platform: 401 writes nothing, duplicates and unknown
topics get 200 and change nothing, malformed bodies get 400, oversized ones 413."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import LedgerEntry, OrderRecord, Platform, WebhookDelivery
from passiton.core.services.compliance import redact_shop
from passiton.core.services.shops import find_shop
from tests.conftest import RuntimeFactory
from tests.support.builders import balances, claim, make_referrer, make_shop
from tests.support.test_connector import FakeWebhooks, sign

DOMAIN = "anna-shop.example"


@pytest.fixture
def runtime(make_runtime: RuntimeFactory, database_url: str) -> Runtime:
    made: list[Runtime] = []

    def shop_by_domain(domain: str) -> int | None:
        with made[0].db.sessions() as session:
            shop = find_shop(session, Platform.FAKE, domain)
            return shop.id if shop else None

    stores = FakeStoreDirectory()
    runtime = make_runtime(database_url, stores=stores)
    made.append(runtime)
    runtime.connectors["fake"] = FakeWebhooks(shop_by_domain)
    return runtime


@pytest.fixture
def web(runtime: Runtime) -> FlaskClient:
    return create_app(runtime=runtime).test_client()


def post(
    web: FlaskClient,
    body: dict[str, object] | bytes,
    *,
    topic: str = "order",
    delivery: str = "d-1",
    shop: str = DOMAIN,
    signature: str | None = None,
) -> tuple[int, dict[str, object]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {
        "X-Fake-Hmac": signature if signature is not None else sign(raw),
        "X-Fake-Topic": topic,
        "X-Fake-Shop": shop,
        "X-Fake-Delivery": delivery,
    }
    response = web.post("/webhooks/fake", data=raw, headers=headers)
    return response.status_code, response.get_json()


def rows(runtime: Runtime, model: type) -> int:
    with runtime.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def paid(order_id: str, codes: list[str]) -> dict[str, object]:
    return {
        "id": order_id,
        "updated_at": "2026-11-01T12:00:00+00:00",
        "email": "fritz@example.com",
        "total": "100.00",
        "paid": True,
        "codes": codes,
    }


def test_verified_delivery_is_recorded_and_applied(web: FlaskClient, runtime: Runtime) -> None:
    shop_id = make_shop(runtime.db, runtime.stores)  # type: ignore[arg-type]
    anna = make_referrer(runtime.db, shop_id)
    code = claim(runtime.db, shop_id, anna, "fritz@example.com").code
    status, answer = post(web, paid("9007199254740993", [code]))
    assert (status, answer["status"]) == (200, "accepted")
    assert balances(runtime.db, anna.id) == (1000, 0)
    with runtime.db.sessions() as session:
        assert session.scalar(select(OrderRecord.order_id)) == "9007199254740993"


def test_bad_signature_gets_401_and_writes_nothing(web: FlaskClient, runtime: Runtime) -> None:
    make_shop(runtime.db, runtime.stores)  # type: ignore[arg-type]
    status, answer = post(web, paid("1", []), signature=sign(b"something else"))
    assert status == 401
    assert answer["error"]["code"] == "bad_signature"  # type: ignore[index]
    assert (rows(runtime, WebhookDelivery), rows(runtime, OrderRecord)) == (0, 0)


def test_missing_headers_get_401(web: FlaskClient, runtime: Runtime) -> None:
    response = web.post("/webhooks/fake", data=b"{}")
    assert response.status_code == 401
    assert rows(runtime, WebhookDelivery) == 0


def test_duplicate_delivery_gets_200_and_changes_nothing(
    web: FlaskClient, runtime: Runtime
) -> None:
    shop_id = make_shop(runtime.db, runtime.stores)  # type: ignore[arg-type]
    anna = make_referrer(runtime.db, shop_id)
    code = claim(runtime.db, shop_id, anna, "fritz@example.com").code
    post(web, paid("1", [code]))
    status, answer = post(web, paid("1", [code]))
    assert (status, answer["status"]) == (200, "duplicate")
    assert rows(runtime, LedgerEntry) == 1
    assert rows(runtime, WebhookDelivery) == 1


def test_unknown_topic_is_ignored_with_200(web: FlaskClient, runtime: Runtime) -> None:
    make_shop(runtime.db, runtime.stores)  # type: ignore[arg-type]
    status, answer = post(web, {"anything": 1}, topic="products/update")
    assert (status, answer["status"]) == (200, "ignored")
    assert rows(runtime, OrderRecord) == 0


def test_delivery_for_an_unknown_shop_changes_nothing(web: FlaskClient, runtime: Runtime) -> None:
    status, answer = post(web, paid("1", []), shop="stranger.example")
    assert (status, answer["status"]) == (200, "ignored")
    assert (rows(runtime, WebhookDelivery), rows(runtime, OrderRecord)) == (0, 0)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        json.dumps({"id": 1}).encode(),
        json.dumps(paid("1", []) | {"total": "x"}).encode(),
    ],
)
def test_malformed_verified_body_gets_400_and_writes_nothing(
    web: FlaskClient, runtime: Runtime, body: bytes
) -> None:
    make_shop(runtime.db, runtime.stores)  # type: ignore[arg-type]
    status, answer = post(web, body)
    assert status == 400
    assert answer["error"]["code"] == "malformed_payload"  # type: ignore[index]
    assert rows(runtime, WebhookDelivery) == 0


def test_ping_is_acknowledged(web: FlaskClient, runtime: Runtime) -> None:
    response = web.post("/webhooks/fake", data=b"ping")
    assert response.status_code == 200
    assert rows(runtime, WebhookDelivery) == 0


def test_unknown_platform_gets_404(web: FlaskClient) -> None:
    assert web.post("/webhooks/nowhere", data=b"{}").status_code == 404


def test_oversized_body_gets_413_and_writes_nothing(web: FlaskClient, runtime: Runtime) -> None:
    make_shop(runtime.db, runtime.stores)  # type: ignore[arg-type]
    huge = b"x" * (runtime.settings.max_body_bytes + 1)
    status, answer = post(web, huge)
    assert status == 413
    assert answer["error"]["code"] == "request_entity_too_large"  # type: ignore[index]
    assert rows(runtime, WebhookDelivery) == 0


def test_delivery_for_a_shop_redacted_after_verification_changes_nothing(
    runtime: Runtime,
) -> None:
    gone = make_shop(runtime.db, runtime.stores)  # type: ignore[arg-type]
    runtime.connectors["fake"] = FakeWebhooks(lambda _domain: gone)
    runtime.db.run(lambda s: redact_shop(s, gone))
    status, answer = post(create_app(runtime=runtime).test_client(), paid("1", []))
    assert (status, answer["status"], answer["reason"]) == (200, "ignored", "unknown_shop")
    assert (rows(runtime, WebhookDelivery), rows(runtime, OrderRecord)) == (0, 0)
