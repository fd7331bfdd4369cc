"""The vendored browser libraries are the published files, unchanged, with their licence."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parents[2] / "passiton/app/web/merchant/static/vendor"
# sha256 of the files in the npm package `uplot@1.6.32` (dist/), as published.
PUBLISHED = {
    "uPlot.iife.min.js": "19c8d4c6ad88929a79f4ae49d6f7161566dfd0ba3d15cc495e974f787eb78f1f",
    "uPlot.min.css": "df630c6a8d6f8eeaff264b50f73ce5b114f646ffd9a0bb74f049b0a00135fa04",
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_a_vendored_file_is_the_published_one(name: str) -> None:
    assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == PUBLISHED[name]


def test_the_readme_names_the_version_and_the_licence_is_kept() -> None:
    assert "| 1.6.32 |" in (VENDOR / "README.md").read_text()
    assert (
        (VENDOR / "uPlot.iife.min.js")
        .read_text()
        .startswith("/*! https://github.com/leeoniya/uPlot (v1.6.32) */")
    )
    assert "Permission is hereby granted, free of charge" in (VENDOR / "uPlot.LICENSE").read_text()
