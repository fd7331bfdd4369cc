"""Merchant API: list, create and revoke the shop's API keys."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.app.web.control_chars import has_control_chars
from passiton.app.web.current import current_runtime
from passiton.app.web.http_errors import error_response
from passiton.app.web.merchant.api_keys import PREFIX, create_api_key
from passiton.app.web.merchant.api_params import MAX_ID
from passiton.app.web.merchant.auth import merchant_required
from passiton.core.models import ApiKey, utcnow

bp = Blueprint("keys", __name__)
MAX_NAME = 100


@bp.get("/keys")
@merchant_required
def list_keys() -> Response:
    with current_runtime().db.sessions() as session:
        keys = session.scalars(
            select(ApiKey).where(ApiKey.shop_id == g.shop_id).order_by(ApiKey.id.desc())
        ).all()
        return jsonify({"keys": [key_json(k) for k in keys]})


@bp.post("/keys")
@merchant_required
def create_key() -> tuple[Response, int] | Response:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(422, "invalid_body", "the body must be a JSON object")
    name = body.get("name", "")
    if not isinstance(name, str) or len(name.strip()) > MAX_NAME or has_control_chars(name):
        return error_response(
            422, "invalid_name", f"name must be text of at most {MAX_NAME} characters", field="name"
        )

    def create(session: Session) -> tuple[str, dict[str, Any]]:
        secret = create_api_key(session, g.shop_id, name.strip())
        prefix = secret.removeprefix(PREFIX).split("_", 1)[0]
        row = session.scalar(
            select(ApiKey).where(ApiKey.shop_id == g.shop_id, ApiKey.prefix == prefix)
        )
        assert row is not None
        return secret, key_json(row)

    secret, key = current_runtime().db.run(create)
    # The only time the secret is shown: only its hash is stored.
    return jsonify({"key": key, "secret": secret}), 201


@bp.delete(f"/keys/<int(max={MAX_ID}):key_id>")
@merchant_required
def revoke_key(key_id: int) -> Response:
    def revoke(session: Session) -> dict[str, Any] | None:
        key = session.scalar(select(ApiKey).where(ApiKey.id == key_id, ApiKey.shop_id == g.shop_id))
        if key is None:
            return None
        if key.revoked_at is None:
            key.revoked_at = utcnow()
            session.flush()
        return key_json(key)

    key = current_runtime().db.run(revoke)
    if key is None:
        return error_response(404, "unknown_api_key", "no such API key in this shop")
    return jsonify({"key": key})


def key_json(key: ApiKey) -> dict[str, Any]:
    """An API key without its secret: the prefix identifies it to the merchant."""
    return {
        "id": key.id,
        "name": key.name,
        "prefix": f"{PREFIX}{key.prefix}",
        "created_at": key.created_at.isoformat(),
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }
