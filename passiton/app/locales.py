"""The languages Passiton speaks, and reading a language tag as the platforms write them.

Shared by the pages (web/i18n.py) and the e-mails (mail/render.py); no Flask here.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

LANGUAGES = ("en", "de")
"""Languages with a complete catalogue; English is the source language."""
DEFAULT_LOCALE = "en"


def parse_locale(tag: str | None) -> Locale | None:
    """The Babel locale a tag names ("de", "de-AT", "de_DE_formal"), or None."""
    if not tag:
        return None
    # WordPress names variants Babel does not know ("de_DE_formal"): the language and region
    # before them are still the reader's.
    parts = tag.replace("-", "_").split("_")
    for size in range(min(len(parts), 3), 0, -1):
        try:
            return Locale.parse("_".join(parts[:size]))
        except (UnknownLocaleError, ValueError):
            continue
    return None
