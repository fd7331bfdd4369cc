"""Merchant API: list, create and revoke the shop's API keys."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify
from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.app.web.current import current_runtime
from passiton.app.web.http_errors import error_response
from passiton.app.web.merchant.api_keys import PREFIX, create_api_key
from passiton.app.web.merchant.api_params import MAX_ID, parsed_body
from passiton.app.web.merchant.api_shapes import (
    ApiKeys,
    ApiKeyView,
    CreatedApiKey,
    NewApiKeyBody,
    RevokedApiKey,
)
from passiton.app.web.merchant.auth import merchant_required
from passiton.core.models import ApiKey, utcnow

bp = Blueprint("keys", __name__)


@bp.get("/keys")
@merchant_required
def list_keys() -> Response:
    with current_runtime().db.sessions() as session:
        keys = session.scalars(
            select(ApiKey).where(ApiKey.shop_id == g.shop_id).order_by(ApiKey.id.desc())
        ).all()
        answer = ApiKeys(keys=[key_view(k) for k in keys])
    return jsonify(answer.to_json())


@bp.post("/keys")
@merchant_required
def create_key() -> tuple[Response, int] | Response:
    body = parsed_body(NewApiKeyBody)
    if isinstance(body, Response):
        return body

    def create(session: Session) -> CreatedApiKey:
        secret = create_api_key(session, g.shop_id, body.name)
        prefix = secret.removeprefix(PREFIX).split("_", 1)[0]
        row = session.scalar(
            select(ApiKey).where(ApiKey.shop_id == g.shop_id, ApiKey.prefix == prefix)
        )
        assert row is not None
        return CreatedApiKey(key=key_view(row), secret=secret)

    # The only time the secret is shown: only its hash is stored.
    return jsonify(current_runtime().db.run(create).to_json()), 201


@bp.delete(f"/keys/<int(max={MAX_ID}):key_id>")
@merchant_required
def revoke_key(key_id: int) -> Response:
    def revoke(session: Session) -> ApiKeyView | None:
        key = session.scalar(select(ApiKey).where(ApiKey.id == key_id, ApiKey.shop_id == g.shop_id))
        if key is None:
            return None
        if key.revoked_at is None:
            key.revoked_at = utcnow()
            session.flush()
        return key_view(key)

    key = current_runtime().db.run(revoke)
    if key is None:
        return error_response(404, "unknown_api_key", "no such API key in this shop")
    return jsonify(RevokedApiKey(key=key).to_json())


def key_view(key: ApiKey) -> ApiKeyView:
    """An API key without its secret: the prefix identifies it to the merchant."""
    return ApiKeyView(
        id=key.id,
        name=key.name,
        prefix=f"{PREFIX}{key.prefix}",
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )
