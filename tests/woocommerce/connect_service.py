"""A merchant's browser session and a WooCommerce store, around one Passiton service."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask.testing import FlaskClient
from sqlalchemy import func, select

from passiton.app.runtime import Runtime
from passiton.connectors.woocommerce.auth import plugin_request_headers
from passiton.core.merchants import PluginKey
from passiton.core.models import Shop
from tests.woocommerce.captured import wc_auth_callback_body
from tests.woocommerce.merchant_browser import csrf
from tests.woocommerce.store_double import STORE_URL


@dataclass
class Service:
    runtime: Runtime
    client: FlaskClient

    def connect(self, store_url: str = STORE_URL) -> str:
        """Start connecting; return the state the store will echo back as `user_id`."""
        response = self.client.post(
            "/woocommerce/connect", data={"store_url": store_url, "csrf_token": csrf(self.client)}
        )
        assert response.status_code == 303
        location = urlsplit(response.headers["Location"])
        query = parse_qs(location.query)
        assert f"{location.scheme}://{location.netloc}{location.path}" == (
            f"{store_url}/wc-auth/v1/authorize"
        )
        assert query["app_name"] == ["Passiton"]
        assert query["scope"] == ["read_write"]
        assert query["callback_url"] == ["http://passiton.test/woocommerce/callback"]
        assert query["return_url"] == ["http://passiton.test/account"]
        return query["user_id"][0]

    def callback(self, state: str, **changes: Any) -> Any:
        body = {**wc_auth_callback_body(), "user_id": state, **changes}
        return self.client.post("/woocommerce/callback", data=json.dumps(body))

    def shop(self) -> Shop:
        with self.runtime.db.sessions() as session:
            shop: Shop | None = session.scalar(select(Shop))
            assert shop is not None
            return shop

    def count(self, model: type[object]) -> int:
        with self.runtime.db.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

    def secret(self) -> str:
        secret = self.runtime.vault.open_text(self.shop().webhook_secret)
        assert secret is not None
        return secret

    def plugin(self, path: str, body: dict[str, Any]) -> Any:
        shop_id = self.shop().id
        with self.runtime.db.sessions() as session:
            sealed = session.get(PluginKey, shop_id)
            assert sealed is not None
            key = self.runtime.vault.open_text(sealed.sealed_key)
        assert key is not None
        raw = json.dumps(body).encode()
        stamp = str(int(time.time()))
        return self.client.post(
            f"/woocommerce/plugin/{path}",
            data=raw,
            headers=plugin_request_headers(key, str(shop_id), stamp, raw),
        )
