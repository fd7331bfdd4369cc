"""Code discounts on a sandbox Shopify shop: create, bulk add (asynchronous), deactivate, delete.

Codes are unique in a shop whatever their case, as on Shopify: a second discount or redeem
code with a code already in use is refused with `TAKEN`.
"""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, field
from typing import Any

TAKEN = "TAKEN"
CODES_PAGE_LIMIT = 250
REQUIRED = ("title", "code", "context", "customerGets", "startsAt")


@dataclass
class Discount:
    discount_id: str
    title: str
    spec: dict[str, Any]
    codes: dict[str, str] = field(default_factory=dict)
    """upper-cased code → redeem code id, in creation order"""
    spelled: dict[str, str] = field(default_factory=dict)
    """upper-cased code → the code as it was sent"""
    active: bool = True


@dataclass
class BulkCreation:
    creation_id: str
    discount_id: str
    codes: list[str]
    polls_left: int
    errors: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    finished: bool = False


class ShopifyDiscounts:
    """The discounts of one shop."""

    def __init__(self, polls_until_done: int = 1) -> None:
        self.discounts: dict[str, Discount] = {}
        self._by_code: dict[str, str] = {}
        self._bulk: dict[str, BulkCreation] = {}
        self._ids = itertools.count(1001)
        self._polls_until_done = polls_until_done

    def code_count(self) -> int:
        """Codes that exist on the shop (across all discounts)."""
        return len(self._by_code)

    def discount_for_code(self, code: str) -> Discount | None:
        """The discount a code belongs to, whatever its case."""
        found = self._by_code.get(code.upper())
        return self.discounts.get(found) if found else None

    def create(self, variables: dict[str, Any]) -> dict[str, Any]:
        """discountCodeBasicCreate."""
        spec = variables.get("discount") or {}
        missing = [name for name in REQUIRED if not spec.get(name)]
        if missing:
            return _created(None, [_error(["basicCodeDiscount", missing[0]], "BLANK", "blank")])
        code = str(spec["code"])
        if code.upper() in self._by_code:
            message = "Code must be unique. Please try a different code."
            return _created(None, [_error(["basicCodeDiscount", "code"], TAKEN, message)])
        discount = Discount(
            f"gid://shopify/DiscountCodeNode/{next(self._ids)}", spec["title"], spec
        )
        self.discounts[discount.discount_id] = discount
        self._add_code(discount, code)
        return _created(discount.discount_id, [])

    def by_code(self, variables: dict[str, Any]) -> dict[str, Any]:
        """codeDiscountNodeByCode."""
        discount = self.discount_for_code(str(variables.get("code", "")))
        return {"codeDiscountNodeByCode": {"id": discount.discount_id} if discount else None}

    def bulk_add(self, variables: dict[str, Any]) -> dict[str, Any]:
        """discountRedeemCodeBulkAdd: accepted now, codes appear when the job is done."""
        discount = self.discounts.get(str(variables.get("discountId")))
        if discount is None:
            error = _error(["discountId"], "INVALID", "Discount does not exist")
            return {"discountRedeemCodeBulkAdd": {"bulkCreation": None, "userErrors": [error]}}
        codes = [str(c.get("code", "")) for c in variables.get("codes") or []]
        creation = BulkCreation(
            f"gid://shopify/DiscountRedeemCodeBulkCreation/{next(self._ids)}",
            discount.discount_id,
            codes,
            self._polls_until_done,
        )
        self._bulk[creation.creation_id] = creation
        return {
            "discountRedeemCodeBulkAdd": {
                "bulkCreation": {"id": creation.creation_id},
                "userErrors": [],
            }
        }

    def bulk_creation(self, variables: dict[str, Any]) -> dict[str, Any]:
        """discountRedeemCodeBulkCreation: not done on the first polls, then done with results."""
        creation = self._bulk.get(str(variables.get("id")))
        if creation is None:
            return {"discountRedeemCodeBulkCreation": None}
        if creation.polls_left > 0:
            # Still running: Shopify creates the codes in the background.
            creation.polls_left -= 1
            return {"discountRedeemCodeBulkCreation": {"done": False, "codes": {"nodes": []}}}
        if not creation.finished:
            self._finish(creation)
        first = int(variables.get("first") or 0)
        nodes = [{"code": c, "errors": creation.errors.get(c, [])} for c in creation.codes][:first]
        return {"discountRedeemCodeBulkCreation": {"done": True, "codes": {"nodes": nodes}}}

    def deactivate(self, variables: dict[str, Any]) -> dict[str, Any]:
        """discountCodeDeactivate."""
        discount = self.discounts.get(str(variables.get("id")))
        if discount is None:
            errors = [_error(["id"], "INVALID", "Discount does not exist")]
            return {"discountCodeDeactivate": {"userErrors": errors}}
        discount.active = False
        return {"discountCodeDeactivate": {"userErrors": []}}

    def offer_codes(self, variables: dict[str, Any]) -> dict[str, Any]:
        """codeDiscountNode { codeDiscount { codes(first: 250, after) } }, paginated."""
        discount = self.discounts.get(str(variables.get("id")))
        if discount is None:
            return {"codeDiscountNode": None}
        start = _offset(variables.get("after"))
        listed = list(discount.codes.items())
        page = listed[start : start + CODES_PAGE_LIMIT]
        end = start + len(page)
        nodes = [{"id": rid, "code": discount.spelled[code]} for code, rid in page]
        info = {"hasNextPage": end < len(listed), "endCursor": _cursor(end) if page else None}
        return {"codeDiscountNode": {"codeDiscount": {"codes": {"nodes": nodes, "pageInfo": info}}}}

    def bulk_delete(self, variables: dict[str, Any]) -> dict[str, Any]:
        """discountCodeRedeemCodeBulkDelete: removes the named redeem codes."""
        discount = self.discounts.get(str(variables.get("discountId")))
        if discount is None:
            errors = [_error(["discountId"], "INVALID", "Discount does not exist")]
            return {"discountCodeRedeemCodeBulkDelete": {"userErrors": errors}}
        doomed = set(variables.get("ids") or [])
        for code, rid in list(discount.codes.items()):
            if rid in doomed:
                del discount.codes[code]
                self._by_code.pop(code, None)
        return {"discountCodeRedeemCodeBulkDelete": {"userErrors": []}}

    def _finish(self, creation: BulkCreation) -> None:
        """Add the codes of a finished job; duplicates get TAKEN on their node."""
        discount = self.discounts[creation.discount_id]
        for code in creation.codes:
            if code.upper() in self._by_code:
                creation.errors[code] = [{"code": TAKEN, "message": "Code must be unique."}]
            else:
                self._add_code(discount, code)
        # Results are fixed once done: later polls answer the same without adding again.
        creation.finished = True

    def _add_code(self, discount: Discount, code: str) -> None:
        key = code.upper()
        discount.codes[key] = f"gid://shopify/DiscountRedeemCode/{next(self._ids)}"
        discount.spelled[key] = code
        self._by_code[key] = discount.discount_id


def _created(discount_id: str | None, errors: list[dict[str, Any]]) -> dict[str, Any]:
    node = {"id": discount_id} if discount_id else None
    return {"discountCodeBasicCreate": {"codeDiscountNode": node, "userErrors": errors}}


def _error(path: list[str], code: str, message: str) -> dict[str, Any]:
    return {"field": path, "code": code, "message": message}


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor: object) -> int:
    if not isinstance(cursor, str):
        return 0
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)[1])
    except (ValueError, IndexError):
        return 0
