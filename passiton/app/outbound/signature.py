"""The signature on every webhook Passiton sends, and how a receiver checks it.

The signed material is the timestamp, a dot and the raw body (`b"1767225600." + body`), so a
captured request cannot be replayed later with a new timestamp: receivers reject timestamps
more than five minutes off and compare the HMAC in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-Passiton-Signature"
EVENT_HEADER = "X-Passiton-Event"
DELIVERY_HEADER = "X-Passiton-Delivery"
TIMESTAMP_HEADER = "X-Passiton-Timestamp"
SECRET_PREFIX = "whsec_"  # noqa: S105 - a marker, not a secret


def new_secret() -> str:
    """A fresh signing secret (256 bits), shown to the merchant once."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of "<timestamp>." + body>` with the endpoint's secret."""
    material = str(timestamp).encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode(), material, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, timestamp: int, body: bytes, event_type: str, delivery_id: str
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "Passiton-Webhooks/1",
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        EVENT_HEADER: event_type,
        DELIVERY_HEADER: delivery_id,
        TIMESTAMP_HEADER: str(timestamp),
    }


def signature_valid(secret: str, timestamp: str, body: bytes, sent: str, now: int) -> bool:
    """What a receiver does (used by the tests as the merchant's side)."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > 300:
        return False
    return hmac.compare_digest(signature(secret, int(timestamp), body), sent)
