"""Logs: JSON lines with PASSITON_LOG_FORMAT=json, request ids, and no personal data or secrets.

The flow runs against the real `passiton serve` (gunicorn's error and access logs, the app's
loggers, the embedded task worker and the supervisor), so every line any process writes is read.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests
from flask.testing import FlaskClient

from passiton.app import migrate
from passiton.app.database import Database
from passiton.app.log_setup import redact
from passiton.app.web.request_ids import accepted_request_id
from passiton.connectors.shopify.webhooks import signature
from passiton.core.models import Platform
from passiton.core.services.shops import install_shop
from tests.integration.test_serve import serving
from tests.ops.polling import wait_for

SHOP = "log-shop.myshopify.com"
SECRET = "log-test-shopify-secret-0123456789abcdef"
FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"
BUYER_EMAIL = "jon@example.com"
PASSWORD = "correct horse battery staple 42"
MERCHANT_EMAIL = "merchant.owner@example.org"
CONSUMER_KEY = "ck_" + "a1" * 20
CONSUMER_SECRET = "cs_" + "b2" * 20
ID_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNlY3JldA"


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("3f2a9c1e-77b0-4d1a-9d55-0c1f5e8a2b10", True),
        ("nginx0123456789abcdef", True),
        ("short", False),
        ("x" * 65, False),
        ("two\nlines-injected", False),
        ("jon@example.com", False),
        ("", False),
    ],
)
def test_only_a_short_plain_incoming_request_id_is_kept(incoming: str, kept: bool) -> None:
    assert accepted_request_id(incoming) == (incoming if kept else None)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("queue redis://:s3cret-pass@redis.internal:6379/0", "queue redis://:[redacted]@redis"),
        (
            "postgresql+psycopg://passiton:pw@db/passiton",
            "postgresql+psycopg://passiton:[redacted]@db",
        ),
        ("refused for jon.doe+x@example.co.uk today", "refused for [redacted] today"),
        ("key ck_0123456789abcdef0123456789abcdef01234567", "key [redacted]"),
        ("token shpat_0123456789abcdef0123456789abcdef", "token [redacted]"),
        ("Authorization: Bearer abc.def-ghi", "Authorization: [redacted]"),
        ("delivery 42 of shop 7 applied", "delivery 42 of shop 7 applied"),
        ("redis://redis.internal:6379/0", "redis://redis.internal:6379/0"),
    ],
)
def test_redaction_blanks_addresses_keys_tokens_and_url_passwords(text: str, shown: str) -> None:
    assert redact(text).startswith(shown)


def test_every_response_carries_a_request_id_and_a_plain_incoming_one_is_echoed(
    client: FlaskClient,
) -> None:
    own = client.get("/healthz").headers["X-Request-Id"]
    echoed = client.get("/healthz", headers={"X-Request-Id": "edge-0123456789"})
    forged = client.get("/healthz", headers={"X-Request-Id": "jon@example.com;level=ERROR"})

    assert re.fullmatch(r"[0-9a-f]{32}", own)
    assert echoed.headers["X-Request-Id"] == "edge-0123456789"
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-Id"])


def test_json_logs_name_the_request_and_the_delivery_and_carry_no_personal_data_or_secrets(
    tmp_path: Path,
) -> None:
    # Given a Shopify shop installed in the database `serve` will use
    database_url = f"sqlite:///{tmp_path / 'var' / 'passiton.db'}"
    (tmp_path / "var").mkdir()
    migrate.upgrade(database_url)
    db = Database(database_url)
    db.run(lambda s: install_shop(s, platform=Platform.SHOPIFY, domain=SHOP).id)
    db.dispose()
    order = (FIXTURES / "shopify" / "orders_create.json").read_bytes()
    assert BUYER_EMAIL.encode() in order

    with serving(
        tmp_path,
        PASSITON_LOG_FORMAT="json",
        PASSITON_DATABASE_URL=database_url,
        SHOPIFY_API_KEY="log-client-id",
        SHOPIFY_API_SECRET=SECRET,
    ) as served:
        # When a signed order webhook naming the buyer's e-mail address is delivered
        delivered = requests.post(
            f"{served.base}/webhooks/shopify",
            data=order,
            headers={
                "X-Shopify-Hmac-Sha256": signature(order, SECRET),
                "X-Shopify-Topic": "orders/create",
                "X-Shopify-Shop-Domain": SHOP,
                "X-Shopify-Webhook-Id": "delivery-log-1",
                "X-Request-Id": "edge-request-0001",
                "Content-Type": "application/json",
            },
            timeout=10,
        )
        # and a merchant fails to log in with an e-mail address and a password
        browser = requests.Session()
        form = browser.get(f"{served.base}/login", timeout=10).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert csrf is not None
        login = browser.post(
            f"{served.base}/login",
            data={"email": MERCHANT_EMAIL, "password": PASSWORD, "csrf_token": csrf.group(1)},
            timeout=10,
        )
        # and a WooCommerce key grant and an embedded-app URL with a session token arrive
        grant = requests.post(
            f"{served.base}/woocommerce/callback",
            json={
                "key_id": 7,
                "user_id": "1",
                "consumer_key": CONSUMER_KEY,
                "consumer_secret": CONSUMER_SECRET,
                "key_permissions": "read_write",
            },
            timeout=10,
        )
        requests.get(
            f"{served.base}/shopify/app",
            params={"shop": SHOP, "id_token": ID_TOKEN, "hmac": "deadbeef"},
            timeout=10,
        )
        # and the task worker applies the delivery
        wait_for(
            lambda: (
                requests.get(f"{served.base}/healthz", timeout=5).json()[
                    "oldest_unapplied_delivery_seconds"
                ]
                is None
            ),
            timeout=60,
        )

    assert delivered.status_code == 200, delivered.text
    assert login.status_code == 401
    assert grant.status_code == 401
    output = served.output()
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    # Then every log line is a JSON object with a time, a level and a message
    assert records
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)
    # the webhook line names the platform, shop, topic and delivery, and the request
    webhook = [r for r in records if r.get("delivery") == "delivery-log-1"]
    assert webhook
    assert webhook[0]["platform"] == "shopify"
    assert webhook[0]["topic"] == "orders/create"
    assert webhook[0]["request_id"] == "edge-request-0001"
    # the access log carries each request's id, as echoed to the client
    access = [r for r in records if r["logger"] == "gunicorn.access"]
    assert {r.get("request_id") for r in access} >= {"edge-request-0001"}
    assert all(r.get("request_id") for r in access)
    # and nothing any process wrote holds an e-mail address, the password, a key or a token
    for secret in (
        BUYER_EMAIL,
        MERCHANT_EMAIL,
        PASSWORD,
        CONSUMER_KEY,
        CONSUMER_SECRET,
        ID_TOKEN,
        SECRET,
    ):
        assert secret not in output
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.-]+", output)


def test_text_stays_the_default_log_format(tmp_path: Path) -> None:
    with serving(tmp_path, "--no-worker") as served:
        requests.get(f"{served.base}/healthz", timeout=5)
    lines = [line for line in served.output().splitlines() if "GET /healthz" in line]
    assert lines
    assert not [line for line in served.output().splitlines() if line.startswith("{")]
