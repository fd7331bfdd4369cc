"""Keyed hashes of a redacted person's identifiers: recognisable again, never readable.

A plain SHA-256 of an e-mail address is no protection (addresses are guessable, and a list of
them hashes in seconds); an HMAC under a key the database never holds is. The key comes from
the composition root, derived from the secret key, and reaches the core on the session
(`Session.info[HASHER]`, set by the session factory): the core never reads configuration.
"""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum

from sqlalchemy.orm import Session

HASHER = "passiton.identity_hasher"


class Identifier(StrEnum):
    EMAIL_KEY = "email_key"
    CUSTOMER_ID = "customer_id"


class IdentityHasher:
    """HMAC-SHA256 of one identifier of a shop's customer, as 64 hex digits."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the identity hashing key must be at least 32 bytes")
        self._key = key

    def digest(self, shop_id: int, kind: Identifier, value: str) -> str:
        # The shop is part of the message: one person's rows in two shops are not linkable.
        message = f"{shop_id}\x00{kind.value}\x00{value}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()


def hasher_of(session: Session) -> IdentityHasher:
    """The hasher the session factory put on this session."""
    hasher = session.info.get(HASHER)
    if not isinstance(hasher, IdentityHasher):
        raise RuntimeError("this session was not made with an identity hasher")
    return hasher
