"""The catalogues: German complete, every catalogue in step with the sources and compiled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from passiton.app.locales import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "passiton" / "app" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)s")
# babel.cfg, as the README's extraction command reads it.
METHODS = [("passiton/**.py", "python"), ("passiton/app/**/templates/**.html", "jinja2")]


def _po(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


def _ids(catalog: Catalog) -> set[str]:
    return {str(m.id) for m in catalog if m.id}


def test_babel_cfg_is_what_the_test_extracts_with() -> None:
    config = (ROOT / "passiton" / "app" / "babel.cfg").read_text()
    assert re.findall(r"\[(\w+): ([^\]]+)\]", config) == [(m, p) for p, m in METHODS]


def test_every_german_message_is_translated_with_the_same_placeholders() -> None:
    catalog = _po("de")

    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    mismatched = [
        m.id
        for m in catalog
        if m.id
        and sorted(PLACEHOLDER.findall(str(m.id))) != sorted(PLACEHOLDER.findall(str(m.string)))
    ]

    assert (untranslated, mismatched) == ([], [])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_exactly_the_messages_in_the_sources(language: str) -> None:
    extracted = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT, METHODS, keywords={"_": None, "gettext": None, "lazy_gettext": None}
        )
        if isinstance(message, str)
    }

    assert _ids(_po(language)) == extracted


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language: str) -> None:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").open("rb") as file:
        compiled = read_mo(file)
    source = _po(language)

    assert {str(m.id): m.string for m in compiled if m.id} == {
        str(m.id): m.string for m in source if m.id and m.string and not m.fuzzy
    }
