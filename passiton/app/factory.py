"""`create_app()`: the Flask application, wired from one Runtime."""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from passiton.app.config import Settings, load_settings
from passiton.app.runtime import Runtime, build_runtime
from passiton.app.web import health
from passiton.app.web.friend import landing, qr_codes
from passiton.app.web.http_errors import install_error_handlers
from passiton.app.web.i18n import install_i18n
from passiton.app.web.json_provider import BoundedJSONProvider
from passiton.app.web.merchant import api, hook_pages
from passiton.app.web.merchant import pages as merchant_pages
from passiton.app.web.merchant.auth import install_merchant_auth
from passiton.app.web.merchant.sessions import install_session_check
from passiton.app.web.page_headers import install_page_headers
from passiton.app.web.request_ids import install_request_ids
from passiton.app.web.shopify.routes import install_shopify
from passiton.app.web.unsubscribe import routes as unsubscribe
from passiton.app.web.widget import page as widget_page
from passiton.app.web.woocommerce import plugin_orders as woocommerce_plugin_orders
from passiton.app.web.woocommerce import privacy as woocommerce_privacy
from passiton.app.web.woocommerce.routes import register_woocommerce_routes
from passiton.webhooks.receiver import WebhookIntake, webhook_blueprint


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> Flask:
    """Build the web application; tests pass their own settings or a prepared runtime."""
    if runtime is None:
        runtime = build_runtime(settings or load_settings())
    app = Flask(__name__)
    app.json = BoundedJSONProvider(app)
    app.config.update(
        SECRET_KEY=runtime.settings.secret_key,
        MAX_CONTENT_LENGTH=runtime.settings.max_body_bytes,
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_HTTPONLY=True,
        # Lax still sends the cookie on top-level navigation (links to /account), never on
        # cross-site posts; Secure whenever the public URL is https, so it never leaks over http.
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=runtime.settings.app_url.startswith("https://"),
    )
    app.extensions["passiton"] = runtime
    hops = runtime.settings.trusted_proxies
    if hops:
        # Behind a reverse proxy the client address (per-IP claim limits) and the scheme
        # come from X-Forwarded-*; trusting them without a proxy would let anyone spoof them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    install_request_ids(app)
    install_error_handlers(app)
    install_i18n(app)
    install_merchant_auth(app)
    install_session_check(app)
    install_page_headers(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(landing.bp)
    app.register_blueprint(qr_codes.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(merchant_pages.bp)
    app.register_blueprint(hook_pages.bp)
    app.register_blueprint(widget_page.bp)
    app.register_blueprint(unsubscribe.bp)
    register_woocommerce_routes(app)
    app.register_blueprint(woocommerce_privacy.bp)
    app.register_blueprint(woocommerce_plugin_orders.bp)
    app.register_blueprint(
        webhook_blueprint(
            WebhookIntake(
                connectors=runtime.connectors,
                record=runtime.db.run_statement,
                enqueue=runtime.tasks.apply_delivery,
            )
        )
    )
    install_shopify(app)
    logging.getLogger("passiton").setLevel(logging.INFO)
    return app
