"""Keyed hashes of redacted identifiers: stable for one key, unlinkable across keys and shops."""

from __future__ import annotations

import pytest

from passiton.app.vault import identity_hasher
from passiton.core.suppression import Identifier, IdentityHasher

KEY = b"k" * 32


def test_one_key_gives_one_digest_for_one_identifier() -> None:
    first = IdentityHasher(KEY).digest(1, Identifier.EMAIL_KEY, "fritz@example.com")
    again = IdentityHasher(KEY).digest(1, Identifier.EMAIL_KEY, "fritz@example.com")

    assert first == again
    assert len(first) == 64
    assert "fritz" not in first


@pytest.mark.parametrize(
    ("shop_id", "kind", "value", "key"),
    [
        (2, Identifier.EMAIL_KEY, "fritz@example.com", KEY),  # another shop
        (1, Identifier.CUSTOMER_ID, "fritz@example.com", KEY),  # another kind of identifier
        (1, Identifier.EMAIL_KEY, "fritz@example.org", KEY),  # another address
        (1, Identifier.EMAIL_KEY, "fritz@example.com", b"x" * 32),  # another key
    ],
)
def test_anything_else_gives_another_digest(
    shop_id: int, kind: Identifier, value: str, key: bytes
) -> None:
    reference = IdentityHasher(KEY).digest(1, Identifier.EMAIL_KEY, "fritz@example.com")

    assert IdentityHasher(key).digest(shop_id, kind, value) != reference


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        IdentityHasher(b"short")


def test_the_runtime_key_comes_from_the_secret_key_alone() -> None:
    # Every process (web workers, the queue worker) must hash alike, and after a restart.
    def digest(secret: str) -> str:
        return identity_hasher(secret).digest(1, Identifier.CUSTOMER_ID, "42")

    assert digest("one secret") == digest("one secret")
    assert digest("one secret") != digest("another secret")
