"""A WooCommerce store's identity from the four answers that hold it (PLATFORMS.md)."""

from __future__ import annotations

from typing import Any

from passiton.core.events import ShopFacts

SITE_INDEX = "/wp-json/"
"""WordPress's public index: site `name`, `timezone_string` ("" when set as a UTC offset)."""
GENERAL_SETTINGS = "settings/general"
"""A list of options; `woocommerce_currency` holds the store's currency."""
SYSTEM_STATUS = "system_status"
"""`environment.language` is WordPress's get_locale(), e.g. "de_DE"."""
EMAIL_SENDER = "settings/email/woocommerce_email_from_address"
"""The "From" address of the store's e-mails: the address shoppers know the store by."""


def shop_facts_from(index: Any, general: Any, status: Any, sender: Any) -> ShopFacts:
    """The facts the answers hold; anything missing or of the wrong shape is None."""
    environment = _mapping(_mapping(status).get("environment"))
    settings = _mapping(_mapping(status).get("settings"))
    return ShopFacts(
        name=_text(_mapping(index).get("name")),
        currency=_option(general, "woocommerce_currency") or _text(settings.get("currency")),
        locale=_text(environment.get("language")),
        timezone=_text(_mapping(index).get("timezone_string")),
        contact_email=_text(_mapping(sender).get("value")),
    )


def _option(options: Any, option_id: str) -> str | None:
    if not isinstance(options, list):
        return None
    for option in options:
        if isinstance(option, dict) and option.get("id") == option_id:
            return _text(option.get("value"))
    return None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
