"""The sandbox store as one WSGI app, served on 127.0.0.1 in a background thread.

Shopify shops live under `/shopify/<shop>/admin/…` (point SHOPIFY_ADMIN_URL_TEMPLATE at
`<url>/shopify/{shop}`); the WooCommerce store is the sandbox URL itself (`/wp-json/wc/v3/…`,
`/wc-auth/v1/…`).
"""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal
from types import TracebackType
from typing import Any

from flask import Flask, Response, jsonify, redirect, request
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from passiton.sandbox.clock import SandboxClock
from passiton.sandbox.faults import FaultInjector, FaultSettings
from passiton.sandbox.shopify_admin import Bucket, ShopifyAdmin
from passiton.sandbox.shopify_oauth import OAuthError, ShopifyApp
from passiton.sandbox.wc_auth import wc_auth_blueprint
from passiton.sandbox.webhook_sender import Transport
from passiton.sandbox.woocommerce_identity import site_index_blueprint
from passiton.sandbox.woocommerce_rest import woocommerce_blueprint
from passiton.sandbox.woocommerce_site import WooSite
from passiton.sandbox.woocommerce_store import WooBuyer, WooOrder, WooStoreData

HOST = "127.0.0.1"
UNAUTHORIZED = "[API] Invalid API key or access token (unrecognized login or wrong password)"


class _QuietHandler(WSGIRequestHandler):
    """No access log: the scenario tells the story, one line per request would bury it."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class Sandbox:
    """A fake Shopify (any number of shops) and one fake WooCommerce store, with faults."""

    def __init__(
        self,
        shopify_app: ShopifyApp,
        woo_keys: tuple[str, str] = ("ck_sandbox", "cs_sandbox"),
        *,
        faults: FaultSettings | None = None,
        clock: SandboxClock | None = None,
        bucket: Bucket | None = None,
    ) -> None:
        self.clock = clock or SandboxClock()
        self.shopify = ShopifyAdmin(shopify_app, self.clock, bucket)
        self.faults = FaultInjector(faults or FaultSettings.off())
        self.woo_site = WooSite(self.clock, self.faults, woo_keys)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def woo(self) -> WooStoreData:
        """The WooCommerce store's coupons, orders and webhooks."""
        return self.woo_site.data

    @property
    def woo_lock(self) -> threading.RLock:
        return self.woo_site.lock

    @property
    def woo_calls(self) -> Counter[str]:
        return self.woo_site.calls

    def deliver_to(self, transport: Transport) -> None:
        """Send what the WooCommerce store sends (pings, webhooks, wc-auth keys) this way."""
        self.woo_site.transport = transport

    @property
    def url(self) -> str:
        """Where the sandbox listens (once started)."""
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        return f"http://{HOST}:{self._server.server_port}"

    @property
    def shopify_admin_template(self) -> str:
        """The value for SHOPIFY_ADMIN_URL_TEMPLATE."""
        return f"{self.url}/shopify/{{shop}}"

    def start(self) -> Sandbox:
        """Serve on a free local port in a daemon thread."""
        self._server = make_server(
            HOST, 0, self.wsgi_app(), threaded=True, request_handler=_QuietHandler
        )
        self.woo_site.home_url = self.url
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def place_woo_order(
        self, buyer: WooBuyer, total: Decimal, codes: tuple[str, ...] = ()
    ) -> WooOrder:
        """A paid WooCommerce order (its webhooks are sent by `woo_site.notify`)."""
        return self.woo_site.place_order(buyer, total, codes)

    def api_calls(self) -> Counter[str]:
        """Every store API call served, by operation (Shopify root field or REST route)."""
        total: Counter[str] = Counter()
        for domain in self.shopify.domains():
            total.update({f"shopify {k}": v for k, v in self.shopify.shop(domain).calls.items()})
        total.update({f"woocommerce {k}": v for k, v in self.woo_calls.items()})
        return total

    def wsgi_app(self) -> Flask:
        """The Flask app serving both platforms."""
        app = Flask("passiton-sandbox")
        admin = self.shopify

        @app.before_request
        def inject_faults() -> Any:
            # Only the APIs misbehave; OAuth and wc-auth pages stay up so a merchant can
            # always install or connect.
            if not ("/admin/api/" in request.path or request.path.startswith("/wp-json/")):
                return None
            fault = self.faults.before_call()
            if fault is None:
                return None
            response = jsonify({"errors": "the sandbox injected a fault"})
            response.status_code = fault.status
            if fault.retry_after is not None:
                response.headers["Retry-After"] = str(fault.retry_after)
            return response

        @app.get("/shopify/<shop>/admin/oauth/authorize")
        def authorize(shop: str) -> Any:
            if request.args.get("client_id") != admin.tokens.app.client_id:
                return jsonify({"error": "invalid_request"}), 400
            target = admin.tokens.approve(
                shop, request.args.get("redirect_uri", ""), request.args.get("state", "")
            )
            return redirect(target, code=302)

        @app.post("/shopify/<shop>/admin/oauth/access_token")
        def access_token(shop: str) -> Any:
            try:
                return jsonify(admin.tokens.grant(shop, request.get_json(silent=True) or {}))
            except OAuthError as refused:
                return jsonify({"error": str(refused)}), refused.status

        @app.post("/shopify/<shop>/admin/api/<version>/graphql.json")
        def graphql(shop: str, version: str) -> Any:
            token = request.headers.get("X-Shopify-Access-Token", "")
            if not admin.tokens.valid(shop, token):
                return jsonify({"errors": UNAUTHORIZED}), 401
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                return jsonify({"errors": {"query": "Required parameter missing"}}), 400
            return jsonify(admin.graphql(shop, body))

        @app.errorhandler(404)
        def not_found(_: Exception) -> tuple[Response, int]:
            return jsonify({"code": "rest_no_route", "message": "No route was found"}), 404

        app.register_blueprint(woocommerce_blueprint(self.woo_site))
        app.register_blueprint(site_index_blueprint(self.woo_site))
        app.register_blueprint(wc_auth_blueprint(self.woo_site))
        return app
