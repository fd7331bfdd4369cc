"""Referral and discount code generation: short, unambiguous, hard to guess."""

from __future__ import annotations

import re
import secrets
import unicodedata

# No 0/O, 1/I/L: codes are read aloud and typed from phones.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_PREFIX_LENGTH = 6
_CODE_SHAPE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,40}$")


def referral_code(first_name: str | None, *, suffix_length: int = 4) -> str:
    """A referrer's personal code, e.g. `ANNA-7K2Q`."""
    prefix = _name_prefix(first_name) or "FRIEND"
    return f"{prefix}-{_random(suffix_length)}"


def friend_code() -> str:
    """A single-use code from the friend pool: 10 random characters, about 50 bits."""
    return f"PI-{_random(5)}-{_random(5)}"


def reward_code(kind: str) -> str:
    """A code for a redeemed reward (`RW-…`) or gift (`GF-…`)."""
    return f"{'GF' if kind == 'gift' else 'RW'}-{_random(5)}-{_random(5)}"


def canonical(code: str) -> str:
    """Codes compare case-insensitively on both platforms (WooCommerce lower-cases them)."""
    return code.strip().upper()


def looks_like_code(raw: str) -> bool:
    """Cheap shape check before a database look-up."""
    return bool(_CODE_SHAPE.match(canonical(raw)))


def _name_prefix(first_name: str | None) -> str:
    if not first_name:
        return ""
    text = unicodedata.normalize("NFKD", first_name)
    letters = "".join(c for c in text if c.isascii() and c.isalpha()).upper()
    return letters[:_PREFIX_LENGTH]


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))
