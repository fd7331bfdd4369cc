"""Normalising the things fraud checks compare: e-mail addresses, phones, addresses."""

from __future__ import annotations

import re
import unicodedata

# Providers known to ignore dots in the local part (same mailbox for a.nna and anna).
_DOT_BLIND_DOMAINS = {"gmail.com", "googlemail.com"}
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL_LENGTH = 254


def is_plausible_email(raw: str) -> bool:
    """True when `raw` looks like a deliverable address (one @, a dotted domain, no spaces)."""
    value = raw.strip()
    return len(value) <= MAX_EMAIL_LENGTH and bool(_EMAIL_SHAPE.match(value))


def email_key(raw: str | None) -> str | None:
    """The mailbox an address reaches: lower case, `+tag` dropped, Gmail dots dropped."""
    if not raw:
        return None
    value = unicodedata.normalize("NFKC", raw).strip().lower()
    if "@" not in value:
        return None
    local, _, domain = value.rpartition("@")
    local = local.split("+", 1)[0]
    if domain == "googlemail.com":
        domain = "gmail.com"
    if domain in _DOT_BLIND_DOMAINS:
        local = local.replace(".", "")
    if not local or not domain:
        return None
    return f"{local}@{domain}"


def phone_key(raw: str | None) -> str | None:
    """Digits only, without a leading international zero pair; None when too short to compare."""
    if not raw:
        return None
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("00"):
        digits = digits[2:]
    return digits[-9:] if len(digits) >= 7 else None


def address_key(*parts: str | None) -> str | None:
    """A comparable form of a postal address: case-, accent-, space- and punctuation-blind."""
    cleaned = []
    for part in parts:
        # Parts come straight from platform JSON: anything but text is no address line.
        if not isinstance(part, str) or not part:
            continue
        text = unicodedata.normalize("NFKD", part)
        text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
        text = re.sub(r"[^a-z0-9]", "", text)
        if text:
            cleaned.append(text)
    return "|".join(cleaned) if len(cleaned) >= 2 else None
