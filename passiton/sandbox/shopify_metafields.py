"""The sandbox's `metafieldsSet`, for customer metafields, checked as Shopify checks them.

Shopify sets at most 25 metafields per call, atomically (one refused input and none is
written), answers a refused input with `userErrors` and HTTP 200, and refuses the whole call
with ACCESS_DENIED when the token lacks the owner's write scope (write_customers here).
Namespaces are 3 to 255 characters, keys 2 to 64, both letters, digits, `-` and `_`; a `url`
value must be an absolute http(s), mailto, sms or tel URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

MAX_PER_CALL = 25
NAME = re.compile(r"^[A-Za-z0-9_-]+$")
CUSTOMER_GID = re.compile(r"^gid://shopify/Customer/(\d+)$")
URL_SCHEMES = ("http", "https", "mailto", "sms", "tel")
TYPES = ("url", "single_line_text_field")


@dataclass
class CustomerMetafields:
    """One shop's customers and their metafields, keyed (customer id, namespace, key)."""

    customers: set[int] = field(default_factory=set)
    values: dict[tuple[int, str, str], dict[str, str]] = field(default_factory=dict)
    scopes: set[str] = field(default_factory=set)

    def metafields_set(self, variables: dict[str, Any]) -> dict[str, Any]:
        inputs = variables.get("metafields")
        if not isinstance(inputs, list):
            inputs = []
        if len(inputs) > MAX_PER_CALL:
            error = _error(["metafields"], "LESS_THAN_OR_EQUAL_TO", "Exceeded the maximum")
            return _payload(None, [error])
        errors: list[dict[str, Any]] = []
        accepted: list[tuple[tuple[int, str, str], dict[str, str]]] = []
        for index, item in enumerate(inputs):
            found = self._check(index, item if isinstance(item, dict) else {})
            if isinstance(found, dict):
                errors.append(found)
            else:
                accepted.append(found)
        if errors:
            return _payload(None, errors)
        written = []
        for key, value in accepted:
            fresh = {"id": f"gid://shopify/Metafield/{len(self.values) + 1}"}
            stored = self.values.setdefault(key, fresh)
            stored.update(value)
            written.append({"id": stored["id"]})
        return _payload(written, [])

    def _check(
        self, index: int, item: dict[str, Any]
    ) -> dict[str, Any] | tuple[tuple[int, str, str], dict[str, str]]:
        path = ["metafields", str(index)]
        owner = CUSTOMER_GID.match(str(item.get("ownerId") or ""))
        if owner is None or int(owner.group(1)) not in self.customers:
            return _error([*path, "ownerId"], "INVALID", "Owner does not exist", index)
        namespace, key = str(item.get("namespace") or ""), str(item.get("key") or "")
        for name, text, low, high in (("namespace", namespace, 3, 255), ("key", key, 2, 64)):
            if len(text) < low:
                return _error([*path, name], "TOO_SHORT", f"{name} is too short", index)
            if len(text) > high:
                return _error([*path, name], "TOO_LONG", f"{name} is too long", index)
            if not NAME.match(text):
                return _error(
                    [*path, name], "INVALID", f"{name} contains invalid characters", index
                )
        kind, value = str(item.get("type") or ""), item.get("value")
        if kind not in TYPES:
            return _error([*path, "type"], "INVALID_TYPE", "Type is invalid", index)
        if not isinstance(value, str) or not value:
            return _error([*path, "value"], "BLANK", "Value can't be blank", index)
        if kind == "url" and not _url(value):
            return _error([*path, "value"], "INVALID_VALUE", "Value must be a valid URL", index)
        return (int(owner.group(1)), namespace, key), {"type": kind, "value": value}


def _url(value: str) -> bool:
    parts = urlsplit(value)
    if parts.scheme not in URL_SCHEMES:
        return False
    return bool(parts.netloc) if parts.scheme in ("http", "https") else bool(parts.path)


def _error(path: list[str], code: str, message: str, index: int | None = None) -> dict[str, Any]:
    return {"field": path, "code": code, "message": message, "elementIndex": index}


def _payload(
    metafields: list[dict[str, str]] | None, errors: list[dict[str, Any]]
) -> dict[str, Any]:
    return {"metafieldsSet": {"metafields": metafields, "userErrors": errors}}
