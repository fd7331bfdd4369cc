"""What a merchant API request carries: query parameters as pydantic models, parsed strictly, and
JSON bodies as `api_shapes` models; each refused by name with a 422. The OpenAPI document lists
each query model's fields as the operation's parameters."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from flask import Response, request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from passiton.app.web.control_chars import PATTERN as PLAIN
from passiton.app.web.http_errors import error_response
from passiton.app.web.merchant.api_shapes import Body
from passiton.core.digits import ascii_digits

DEFAULT_PER_PAGE = 25
MAX_ID = 2_147_483_647
"""Largest row id (32-bit integer columns); route converters stop bigger ones before SQL does."""
MAX_PER_PAGE = 100
MAX_DAYS = 365

Q = TypeVar("Q", bound=BaseModel)
B = TypeVar("B", bound=Body)


class InvalidParameter(Exception):
    """A query parameter the API cannot use; names the parameter."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _digits(raw: Any) -> Any:
    # Only ASCII digits: int() would also take "+5", " 5", "1_000" and other scripts' digits;
    # nine digits are enough for any bound.
    if isinstance(raw, str) and (not ascii_digits(raw) or len(raw) > 9):
        raise PydanticCustomError("whole_number", "not a whole number")
    return raw


WholeNumber = BeforeValidator(_digits)


class Query(BaseModel):
    """Query parameters; unknown ones are ignored, as browsers and tools add their own."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Paging(Query):
    page: Annotated[int, Field(ge=1, le=1_000_000, description="Page, from 1"), WholeNumber] = 1
    per_page: Annotated[
        int, Field(ge=1, le=MAX_PER_PAGE, description="Rows per page"), WholeNumber
    ] = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


class ReferralSearch(Paging):
    q: str = Field(
        default="",
        max_length=200,
        pattern=PLAIN,
        description="Friend e-mail or order id contains, or exact status",
    )


class StatsPeriod(Query):
    days: Annotated[
        int, Field(ge=1, le=MAX_DAYS, description="Days in the series"), WholeNumber
    ] = 30


def query(model: type[Q]) -> Q:
    """The request's query string as `model`, or InvalidParameter naming the first bad one."""
    # An empty value is an absent one: forms submit `?q=&page=`.
    given = {name: value for name, value in request.args.items() if value != ""}
    try:
        return model.model_validate(given)
    except ValidationError as error:
        detail = error.errors()[0]
        name = str(detail["loc"][0])
        raise InvalidParameter(name, _message(model, name, detail["type"])) from None


def _message(model: type[BaseModel], name: str, kind: str) -> str:
    field = model.model_fields[name]
    if kind == "string_too_long":
        return f"{name} must be at most {_limit(field.metadata, 'max_length')} characters"
    if kind == "string_pattern_mismatch":
        return f"{name} must not contain control characters"
    if kind in ("greater_than_equal", "less_than_equal"):
        low, high = _limit(field.metadata, "ge"), _limit(field.metadata, "le")
        return f"{name} must be between {low} and {high}"
    return f"{name} must be a whole number"


def _limit(metadata: list[Any], constraint: str) -> Any:
    """A constraint's value as the field declares it (`Field(ge=1)` holds `Ge(ge=1)`)."""
    return next(getattr(m, constraint) for m in metadata if hasattr(m, constraint))


def parsed_body(model: type[B]) -> B | Response:
    """The request's JSON body as `model`, or the 422 naming its first invalid field."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(422, "invalid_body", "the body must be a JSON object")
    try:
        return model.model_validate(body)
    except ValidationError as error:
        field = str(error.errors()[0]["loc"][0])
        code, message = model.refusals[field]
        return error_response(422, code, message, field=field)


def invalid_parameter_response(error: InvalidParameter) -> Response:
    return error_response(422, "invalid_parameter", error.message, field=error.field)
