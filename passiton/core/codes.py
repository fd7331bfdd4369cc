"""Referral and discount code generation: short, unambiguous, hard to guess."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L: codes are read aloud and typed from phones.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_CODE_SHAPE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,40}$")


def referral_code() -> str:
    """A referrer's personal code, e.g. `7K2Q-M9XA`: 8 random characters, about 40 bits.

    No part of the buyer's name: the code travels in links that friends forward, paste into
    chats and leave in browser histories and server logs, none of which a redaction reaches.
    A friend reads who sent the link on the landing page instead, from data we can erase.
    """
    return f"{_random(4)}-{_random(4)}"


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


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))
