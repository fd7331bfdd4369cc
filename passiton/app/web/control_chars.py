"""Refusing control characters in free text from requests.

PostgreSQL cannot store NUL in text columns (the driver raises), and no field a person types
into needs other control characters either; refusing them at the edge keeps that from ever
reaching the database as an error.
"""

from __future__ import annotations

ALLOWED = frozenset("\n\r\t")
PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
"""The same rule as a regular expression, for schemas: no control character but those three."""


def has_control_chars(text: str) -> bool:
    """True when `text` holds a control character other than newline, return or tab."""
    return any((ord(c) < 32 or ord(c) == 127) and c not in ALLOWED for c in text)
