"""Whole numbers written in ASCII digits, the only digits a header, id or query may hold.

`str.isdigit()` is true for superscript two, Arabic-Indic and fullwidth digits: `int()` then
fails on some and reads others as different numbers, so digit checks on outside input go
through here.
"""

from __future__ import annotations

import re

_ASCII_DIGITS = re.compile(r"[0-9]+")


def ascii_digits(text: str) -> bool:
    """Whether `text` is one or more of 0-9 and nothing else."""
    return _ASCII_DIGITS.fullmatch(text) is not None
