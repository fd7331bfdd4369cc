"""Query parameters of the merchant API: parsed strictly, refused by name with a 422."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, request

from passiton.app.web.control_chars import has_control_chars
from passiton.app.web.http_errors import error_response
from passiton.core.digits import ascii_digits

DEFAULT_PER_PAGE = 25
MAX_ID = 2_147_483_647
"""Largest row id (32-bit integer columns); route converters stop bigger ones before SQL does."""
MAX_PER_PAGE = 100


class InvalidParameter(Exception):
    """A query parameter the API cannot use; names the parameter."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def json(self, total: int) -> dict[str, int]:
        """The paging block of a listing answer."""
        return {"page": self.page, "per_page": self.per_page, "total": total}


def int_param(name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high], or InvalidParameter."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not ascii_digits(raw) or len(raw) > 9:
        raise InvalidParameter(name, f"{name} must be a whole number")
    value = int(raw)
    if not low <= value <= high:
        raise InvalidParameter(name, f"{name} must be between {low} and {high}")
    return value


def paging() -> Paging:
    """`page` (from 1) and `per_page` (1 to 100) from the query string."""
    return Paging(
        page=int_param("page", 1, 1, 1_000_000),
        per_page=int_param("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    )


def text_param(name: str, max_length: int = 200) -> str:
    """A free-text query parameter, at most `max_length` characters."""
    raw = request.args.get(name, "")
    if len(raw) > max_length:
        raise InvalidParameter(name, f"{name} must be at most {max_length} characters")
    if has_control_chars(raw):
        raise InvalidParameter(name, f"{name} must not contain control characters")
    return raw


def invalid_parameter_response(error: InvalidParameter) -> Response:
    return error_response(422, "invalid_parameter", error.message, field=error.field)
