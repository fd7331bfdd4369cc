"""Per-shop API keys: `pk_<id>_<secret>`, stored as a SHA-256 hash, shown once at creation."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.core.models import ApiKey

PREFIX = "pk_"


def create_api_key(session: Session, shop_id: int, name: str = "") -> str:
    """Create a key for the shop and return it in clear (the only time it is visible)."""
    public = secrets.token_hex(4)
    key = f"{PREFIX}{public}_{secrets.token_urlsafe(24)}"
    session.add(ApiKey(shop_id=shop_id, name=name[:100], prefix=public, key_hash=_hash(key)))
    session.flush()
    return key


def shop_for_api_key(session: Session, key: str) -> int | None:
    if not key.startswith(PREFIX) or len(key) > 200:
        return None
    found = session.scalar(
        select(ApiKey).where(ApiKey.key_hash == _hash(key), ApiKey.revoked_at.is_(None))
    )
    return found.shop_id if found else None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
