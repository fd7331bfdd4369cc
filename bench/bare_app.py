"""The ingest baseline: a bare Flask endpoint that only verifies a Shopify HMAC and answers 200."""

from __future__ import annotations

import hmac
import os

from flask import Flask, Response, jsonify, request

from passiton.connectors.shopify.webhooks import signature


def create_bare_app() -> Flask:
    secret = os.environ["SHOPIFY_API_SECRET"]
    app = Flask(__name__)

    @app.get("/healthz")
    def health() -> tuple[Response, int]:
        return jsonify({"status": "ok"}), 200

    @app.post("/webhooks/shopify")
    def receive() -> tuple[Response, int]:
        body = request.get_data(cache=False)
        sent = request.headers.get("X-Shopify-Hmac-Sha256", "")
        if not hmac.compare_digest(signature(body, secret), sent):
            return jsonify({"error": "bad_signature"}), 401
        return jsonify({"status": "accepted"}), 200

    return app
