"""Translations and the reader's locale: Flask-Babel catalogues under `translations/`.

Pages for shoppers speak the buyer's language when it is known, else the shop's primary
language; merchant pages the shop's language or the browser's. A language without a
catalogue falls back to English, and money and dates are formatted by Babel for the chosen
locale, so a German page reads "10,00 €" even when the words are not yet translated.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import Flask, g, has_request_context, request
from flask_babel import Babel, format_currency, get_locale, refresh

from passiton.app.locales import DEFAULT_LOCALE, LANGUAGES, parse_locale


def install_i18n(app: Flask) -> None:
    """Flask-Babel on the app, choosing the locale a page asked for (`use_locale`)."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    Babel(app, locale_selector=_select_locale)
    app.jinja_env.globals["page_language"] = current_language
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["signed_number"] = signed_number


def use_locale(*tags: str | None) -> None:
    """Render this request in the first of `tags` we have words for (buyer's, then shop's).

    A buyer whose language has no catalogue reads a German shop's page in German rather than
    in English; when no tag has a catalogue, the first one Babel knows still formats the money.
    """
    locales = [locale for locale in map(parse_locale, tags) if locale is not None]
    translated = [locale for locale in locales if locale.language in LANGUAGES]
    if locales:
        g.passiton_locale = (translated or locales)[0]
        # Flask-Babel keeps the locale it first chose for the request: a message translated
        # before this call (a refusal, say) must not pin the rest of the page to it.
        refresh()


def use_reader_locale(*tags: str | None) -> None:
    """Like `use_locale`, falling back to the browser's Accept-Language when no tag is usable."""
    use_locale(*tags, request.accept_languages.best_match(LANGUAGES))


def money(amount: Decimal, currency: str) -> str:
    """An amount in the shop's currency, written the way the reader's locale writes money."""
    return str(format_currency(amount, currency))


def number(value: int) -> str:
    """A whole number as the reader's locale groups digits: "1,500", "1.500"."""
    return str(format_decimal(value, "#,##0", locale=_locale()))


def signed_number(value: int) -> str:
    """A change in points, with its sign: "+1,000", "-500", "0"."""
    return str(format_decimal(value, "+#,##0;-#,##0", locale=_locale())) if value else "0"


def day(moment: datetime, timezone: str) -> str:
    """The date of `moment` in the shop's time zone, as the reader's locale writes dates."""
    return str(format_date(moment.astimezone(_zone(timezone)), "medium", locale=_locale()))


def moment_text(moment: datetime, timezone: str) -> str:
    """Date and time of `moment` in the shop's time zone, in the reader's locale."""
    local = moment.astimezone(_zone(timezone))
    return str(format_datetime(local, "medium", tzinfo=local.tzinfo, locale=_locale()))


def current_language() -> str:
    """The language part of the page's locale, for `<html lang>`."""
    return str(get_locale() or DEFAULT_LOCALE).split("_")[0]


def _select_locale() -> str:
    if has_request_context():
        chosen = g.get("passiton_locale")
        if chosen is not None:
            return str(chosen)
        best = request.accept_languages.best_match(LANGUAGES)
        if best:
            return best
    return DEFAULT_LOCALE


def _locale() -> Locale:
    return get_locale() or Locale.parse(DEFAULT_LOCALE)


def _zone(name: str) -> ZoneInfo:
    # Shop.timezone is checked against the IANA list when stored; a zone removed from the
    # system's database since then still shows a date, in UTC.
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
