"""The one way request and webhook bodies become JSON values: bounded in depth.

Python's json recurses per nesting level and raises RecursionError (not ValueError) near 1000
levels, so a 10 kB body of brackets used to escape every `except ValueError` as a 500. Bodies
that parse are still refused past `MAX_DEPTH`: nothing either platform sends nests a tenth as
deep, and code that walks a parsed value recursively must not meet the limit later.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

MAX_DEPTH = 64


class JSONTooDeep(ValueError):
    """The document nests deeper than MAX_DEPTH (a ValueError, like any other bad JSON)."""


def load_json(
    data: str | bytes, *, parse_float: Callable[[str], float | Decimal] | None = None
) -> Any:
    """`json.loads` that raises ValueError for over-deep documents instead of RecursionError."""
    try:
        value = json.loads(data, parse_float=parse_float)
    except RecursionError as error:
        raise JSONTooDeep(f"JSON nested deeper than {MAX_DEPTH} levels") from error
    if nesting_depth(value) > MAX_DEPTH:
        raise JSONTooDeep(f"JSON nested deeper than {MAX_DEPTH} levels")
    return value


def nesting_depth(value: Any) -> int:
    """How many arrays/objects deep `value` goes, counted without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_DEPTH:
                return deepest
        stack.extend((child, depth) for child in children)
    return deepest
