"""Encryption at rest for store credentials and secrets (Fernet, keyed from the secret key)."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from passiton.core.suppression import IdentityHasher


class Vault:
    def __init__(self, secret_key: str) -> None:
        digest = hashlib.sha256(b"passiton-vault:" + secret_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, data: dict[str, Any]) -> bytes:
        return self._fernet.encrypt(json.dumps(data, sort_keys=True).encode())

    def open(self, token: bytes | None) -> dict[str, Any] | None:
        if not token:
            return None
        try:
            value = json.loads(self._fernet.decrypt(token))
        except (InvalidToken, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def seal_text(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode())

    def open_text(self, token: bytes | None) -> str | None:
        if not token:
            return None
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken:
            return None


def identity_hasher(secret_key: str) -> IdentityHasher:
    """The hasher of redacted people's identifiers, keyed like the vault but for its own use."""
    # A different label than the vault's: knowing one key tells nothing about the other.
    return IdentityHasher(hashlib.sha256(b"passiton-redactions:" + secret_key.encode()).digest())
