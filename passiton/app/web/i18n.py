"""Translations and the reader's locale: Flask-Babel catalogues under `translations/`.

Pages for shoppers speak the buyer's language when it is known, else the shop's primary
language; merchant pages the shop's language or the browser's. A language without a
catalogue falls back to English, and money and dates are formatted by Babel for the chosen
locale, so a German page reads "10,00 €" even when the words are not yet translated.
"""

from __future__ import annotations

from decimal import Decimal

from babel import Locale, UnknownLocaleError
from flask import Flask, g, has_request_context, request
from flask_babel import Babel, format_currency, get_locale

LANGUAGES = ("en", "de")
"""Languages with a complete catalogue; English is the source language."""
DEFAULT_LOCALE = "en"


def install_i18n(app: Flask) -> None:
    """Flask-Babel on the app, choosing the locale a page asked for (`use_locale`)."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    Babel(app, locale_selector=_select_locale)
    app.jinja_env.globals["page_language"] = current_language


def use_locale(*tags: str | None) -> None:
    """Render this request in the first of `tags` that Babel knows (buyer's, then shop's)."""
    for tag in tags:
        locale = _parse(tag)
        if locale is not None:
            g.passiton_locale = locale
            return


def money(amount: Decimal, currency: str) -> str:
    """An amount in the shop's currency, written the way the reader's locale writes money."""
    return str(format_currency(amount, currency))


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


def _parse(tag: str | None) -> Locale | None:
    if not tag:
        return None
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None
