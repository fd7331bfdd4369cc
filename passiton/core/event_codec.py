"""Events to JSON-safe dicts and back, for deliveries recorded now and applied later.

Each event becomes `{"type": <tag>, <field>: <value>, ...}`: Decimals as strings (never floats),
datetimes as ISO 8601 with their offset, tuples as lists, nested records as dicts. Decoding is
driven by the dataclasses' own type hints, so a field added to an event is carried without a
change here; the tags are spelled out so that renaming a class cannot orphan stored payloads.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from passiton.core import events as ev

TAGS: dict[type[Any], str] = {
    ev.OrderChanged: "order_changed",
    ev.RefundCreated: "refund_created",
    ev.OrderDeleted: "order_deleted",
    ev.CustomerCreated: "customer_created",
    ev.MarketingConsentChanged: "marketing_consent_changed",
    ev.CustomerDataRequested: "customer_data_requested",
    ev.CustomerRedactRequested: "customer_redact_requested",
    ev.ShopRedactRequested: "shop_redact_requested",
    ev.AppUninstalled: "app_uninstalled",
    ev.ScopesUpdated: "scopes_updated",
    ev.ShopUpdated: "shop_updated",
}
TYPES: dict[str, type[Any]] = {tag: kind for kind, tag in TAGS.items()}


class EventCodecError(ValueError):
    """A stored payload does not describe an event, or an event cannot be stored."""


def encode_events(events: Iterable[ev.Event]) -> list[dict[str, Any]]:
    """Events as a JSON-safe list, each tagged with its type."""
    encoded = []
    for event in events:
        tag = TAGS.get(type(event))
        if tag is None:
            raise EventCodecError(f"{type(event).__name__} is not an event")
        encoded.append({"type": tag, **_encode_record(event)})
    return encoded


def decode_events(data: object) -> tuple[ev.Event, ...]:
    """The events `encode_events` stored, as the same frozen dataclasses."""
    if not isinstance(data, list):
        raise EventCodecError("stored events are not a list")
    decoded: list[ev.Event] = []
    for item in data:
        if not isinstance(item, dict):
            raise EventCodecError("a stored event is not an object")
        fields = dict(item)
        kind = TYPES.get(str(fields.pop("type", "")))
        if kind is None:
            raise EventCodecError("a stored event has an unknown type")
        decoded.append(_decode_record(kind, fields))
    return tuple(decoded)


def _encode_record(record: Any) -> dict[str, Any]:
    return {f.name: _encode(getattr(record, f.name)) for f in dataclasses.fields(record)}


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encode_record(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise EventCodecError("amounts must be finite")
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise EventCodecError("datetimes must carry their offset")
        return value.isoformat()
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, str | bool | int):
        return value
    raise EventCodecError(f"cannot store a {type(value).__name__}")


_SHAPES: dict[type[Any], tuple[dict[str, Any], frozenset[str]]] = {}


def _shape(kind: type[Any]) -> tuple[dict[str, Any], frozenset[str]]:
    """A record's field types and names, resolved once per class: every delivery decodes them."""
    shape = _SHAPES.get(kind)
    if shape is None:
        # The events module uses postponed annotations: resolve them against its own names.
        hints = typing.get_type_hints(kind, vars(ev))
        shape = _SHAPES[kind] = (hints, frozenset(f.name for f in dataclasses.fields(kind)))
    return shape


def _decode_record(kind: type[Any], raw: object) -> Any:
    if not isinstance(raw, dict):
        raise EventCodecError(f"{kind.__name__} is not an object")
    hints, names = _shape(kind)
    if not set(raw) <= names:
        raise EventCodecError(f"{kind.__name__} has unknown fields")
    try:
        return kind(**{name: _decode(hints[name], value) for name, value in raw.items()})
    except TypeError as error:  # a required field is missing
        raise EventCodecError(f"{kind.__name__} is incomplete") from error


def _decode(hint: Any, raw: object) -> Any:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = typing.get_args(hint)
        if raw is None and type(None) in options:
            return None
        (inner,) = [o for o in options if o is not type(None)]
        return _decode(inner, raw)
    if origin is tuple:
        item, _ellipsis = typing.get_args(hint)
        if not isinstance(raw, list):
            raise EventCodecError("expected a list")
        return tuple(_decode(item, v) for v in raw)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _decode_record(hint, raw)
    return _decode_scalar(hint, raw)


def _decode_scalar(hint: Any, raw: object) -> Any:
    if hint is Decimal and isinstance(raw, str):
        try:
            return Decimal(raw)
        except InvalidOperation as error:
            raise EventCodecError("not an amount") from error
    if hint is datetime and isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError as error:
            raise EventCodecError("not a datetime") from error
        if moment.tzinfo is None:
            raise EventCodecError("a datetime lost its offset")
        return moment
    # bool is an int in Python: check it first so that True never decodes as 1 or 1 as True.
    if hint is bool and isinstance(raw, bool):
        return raw
    if hint is int and isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if hint is str and isinstance(raw, str):
        return raw
    raise EventCodecError(f"expected {getattr(hint, '__name__', hint)}")
