"""Input classes that broke the parsers before: deep nesting, non-ASCII digits, huge integers."""

from __future__ import annotations

import json

from hypothesis import strategies as st

UNICODE_DIGITS = [
    "\u00b2", "\u0661\u0662\u0663", "\u0663", "\uff11\uff12", "\u07c1", "\U0001d7d7", "1\u00b2",
    "\u2070",
]  # fmt: skip
"""`str.isdigit()` is true for each of these and `int()` fails or reads a different number."""


def deep_json(depth: int, *, in_object: bool = False) -> bytes:
    """`depth` nested arrays (or objects under "a"): well-formed JSON, hostile only by depth."""
    if in_object:
        return (b'{"a":' * depth) + b"1" + (b"}" * depth)
    return (b"[" * depth) + (b"]" * depth)


deep_bodies = st.builds(deep_json, st.integers(200, 20_000), in_object=st.booleans())
unicode_digit_text = st.sampled_from(UNICODE_DIGITS) | st.text(
    st.characters(categories=["Nd", "No"]), min_size=1, max_size=8
)
huge_integers = st.integers(2**53, 10**40) | st.integers(-(10**40), -(2**53))
hostile_scalars = unicode_digit_text | huge_integers
"""Values for a single field: the kinds a parser must refuse rather than trip over."""


def hostile_object(keys: list[str]) -> st.SearchStrategy[bytes]:
    """A JSON object whose known fields hold hostile values, or a deeply nested body."""
    fields = st.dictionaries(st.sampled_from(keys), hostile_scalars, min_size=1)
    return fields.map(lambda value: json.dumps(value).encode()) | deep_bodies
