"""A shop's identity as its store states it: name, currency, language, time zone, contact."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import available_timezones

from sqlalchemy.orm import Session

from passiton.core.events import ShopFacts
from passiton.core.models import Shop, ShopStatus
from passiton.core.ports import StoreDirectory
from passiton.core.services.friend_pool import SessionFactory
from passiton.core.services.shops import store_shop

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
MAX_NAME = 255


def normalise_locale(raw: str | None) -> str | None:
    """A BCP 47 tag from what platforms send ("de_DE", "pt-BR", "en"); None if it is not one."""
    if not raw:
        return None
    tag = raw.strip().replace("_", "-")
    parts = tag.split("-")
    tag = "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])
    return tag if _LOCALE.match(tag) and len(tag) <= 35 else None


def _timezone(raw: str | None) -> str | None:
    # The platforms send IANA names (Shopify `ianaTimezone`, WordPress `timezone_string`); a
    # WordPress site set to a UTC offset sends "" and keeps the stored zone.
    if not raw or raw not in available_timezones():
        return None
    return raw


def apply_shop_facts(
    session: Session, shop_id: int, facts: ShopFacts, now: datetime
) -> Shop | None:
    """Store what the store said; a missing or malformed fact leaves the stored value as it is."""
    shop = session.get(Shop, shop_id)
    if shop is None:
        return None
    name = (facts.name or "").strip()
    if name:
        shop.name = name[:MAX_NAME]
    currency = (facts.currency or "").strip().upper()
    if _CURRENCY.match(currency):
        shop.currency = currency
    locale = normalise_locale(facts.locale)
    if locale:
        shop.locale = locale
    timezone = _timezone(facts.timezone)
    if timezone:
        shop.timezone = timezone
    email = (facts.contact_email or "").strip()
    if _EMAIL.match(email) and len(email) <= 255:
        shop.contact_email = email
    shop.facts_refreshed_at = now
    return shop


def refresh_shop_facts(
    sessions: SessionFactory, stores: StoreDirectory, shop_id: int, now: datetime
) -> bool:
    """Ask the store who it is and store the answer; False for a shop no longer installed.

    Raises StoreError when the store fails. No transaction is open during the store call.
    """
    with sessions() as session, session.begin():
        shop = session.get(Shop, shop_id)
        if shop is None or shop.status is not ShopStatus.ACTIVE:
            return False
        target = store_shop(shop)
    facts = stores.store_for(target).shop_facts()
    with sessions() as session, session.begin():
        return apply_shop_facts(session, shop_id, facts, now) is not None
