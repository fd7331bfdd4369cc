"""Normalising the things fraud checks compare: e-mail addresses, phones, addresses."""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, ValidatedEmail, validate_email

# Providers known to ignore dots in the local part (same mailbox for a.nna and anna).
_DOT_BLIND_DOMAINS = {"gmail.com", "googlemail.com"}
MAX_EMAIL_LENGTH = 254


def is_plausible_email(raw: str) -> bool:
    """True when `raw` is a syntactically valid address (RFC 5322/6531, no DNS look-up)."""
    return _parsed(raw.strip()) is not None


def email_key(raw: str | None) -> str | None:
    """The mailbox an address reaches: lower case, `+tag` dropped, Gmail dots dropped.

    Keys are what fraud checks compare, so every spelling that reaches one mailbox must give
    one key: invisible format characters (zero-width spaces, joiners, BOMs, soft hyphens) are
    dropped, a quoted local part is unquoted and a trailing dot on the domain (the DNS root)
    is removed before a real parser reads the address. An address the parser still refuses
    gets a key by the plain rules: addresses on orders come from the platform, and a key of
    None would skip the self-referral check.
    """
    if not raw:
        return None
    value = _without_format_characters(unicodedata.normalize("NFKC", raw)).strip()
    if value.endswith("."):
        value = value.rstrip(".")
    parsed = _parsed(value)
    if parsed is None:
        local, _, domain = value.lower().rpartition("@")
    else:
        local, domain = _unquoted(parsed.local_part).lower(), parsed.ascii_domain.lower()
    local = local.split("+", 1)[0]
    if domain == "googlemail.com":
        domain = "gmail.com"
    if domain in _DOT_BLIND_DOMAINS:
        local = local.replace(".", "")
    if not local or not domain:
        return None
    return f"{local}@{domain}"


def _parsed(value: str) -> ValidatedEmail | None:
    if len(value) > MAX_EMAIL_LENGTH:
        return None
    try:
        # Syntax only: a DNS look-up has no place on the claim path (and tests have no network).
        return validate_email(value, check_deliverability=False, allow_quoted_local=True)
    except EmailNotValidError:
        return None


def _unquoted(local: str) -> str:
    # The parser unquotes what needs no quotes; a local part that keeps them ("a b") still
    # names one mailbox with or without them for our comparison.
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        return re.sub(r"\\(.)", r"\1", local[1:-1])
    return local


def _without_format_characters(value: str) -> str:
    # Unicode category Cf: zero-width space/joiners, BOM, word joiner, soft hyphen, bidi marks.
    return "".join(c for c in value if unicodedata.category(c) != "Cf")


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
