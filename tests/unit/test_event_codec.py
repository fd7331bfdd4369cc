"""The event codec: every event survives a trip through JSON unchanged; bad payloads are refused."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passiton.core import events as ev
from passiton.core.event_codec import TAGS, EventCodecError, decode_events, encode_events

AT = datetime(2026, 11, 1, 12, 30, tzinfo=timezone(timedelta(hours=-5)))
STATE = ev.OrderState(
    order_id="9007199254740993",
    updated_at=AT,
    customer_id="42",
    email="fritz@example.com",
    first_name="Fritz",
    currency="EUR",
    total=Decimal("100.50"),
    subtotal=Decimal("90.00"),
    paid=True,
    cancelled=False,
    codes=("FRIEND-1", "SUMMER"),
    ref_code="ANNA-7K2Q",
    refunds=(ev.RefundSeen("r-1", Decimal("10.00")),),
    shipping_key="k",
    phone="+4912345",
    test=False,
    prior_orders=0,
    locale="de-AT",
    marketing=ev.MarketingConsent(True, AT),
)
EXAMPLES: list[ev.Event] = [
    ev.OrderChanged(STATE),
    ev.RefundCreated(order_id="7", refund=ev.RefundSeen("r-2", Decimal("0.01"))),
    ev.OrderDeleted(order_id="7"),
    ev.CustomerCreated(customer_id="42", email=None, first_name="Anna"),
    ev.MarketingConsentChanged(
        customer_id="42", email="anna@example.com", consent=ev.MarketingConsent(False, None)
    ),
    ev.CustomerDataRequested(customer_id=None, email="anna@example.com", request_id="9"),
    ev.CustomerRedactRequested(customer_id="42", email=None),
    ev.ShopRedactRequested(),
    ev.AppUninstalled(),
    ev.ScopesUpdated(scopes=("read_orders", "write_discounts")),
    ev.ShopUpdated(ev.ShopFacts(name="Atelier Anna", currency="EUR", locale="de")),
]


def test_an_order_recorded_before_the_buyers_language_was_carried_still_decodes() -> None:
    recorded = encode_events([ev.OrderChanged(STATE)])
    del recorded[0]["order"]["locale"]

    (decoded,) = decode_events(json.loads(json.dumps(recorded)))

    assert decoded == ev.OrderChanged(dataclasses.replace(STATE, locale=None))


def test_an_order_recorded_before_the_checkout_box_was_carried_still_decodes() -> None:
    recorded = encode_events([ev.OrderChanged(STATE)])
    del recorded[0]["order"]["marketing"]

    (decoded,) = decode_events(json.loads(json.dumps(recorded)))

    assert decoded == ev.OrderChanged(dataclasses.replace(STATE, marketing=None))


def test_every_event_type_has_a_tag_and_an_example() -> None:
    members = set(typing.get_args(ev.Event))
    assert set(TAGS) == members
    assert {type(e) for e in EXAMPLES} == members


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda e: type(e).__name__)
def test_example_round_trips_through_json(event: ev.Event) -> None:
    stored = json.loads(json.dumps(encode_events([event])))
    assert decode_events(stored) == (event,)


def test_amounts_are_strings_and_datetimes_keep_their_offset() -> None:
    (stored,) = encode_events([ev.OrderChanged(STATE)])
    order = stored["order"]
    assert (order["total"], order["updated_at"]) == ("100.50", "2026-11-01T12:30:00-05:00")
    assert order["refunds"] == [{"refund_id": "r-1", "amount": "10.00", "currency": None}]
    (decoded,) = decode_events([stored])
    assert isinstance(decoded, ev.OrderChanged)
    assert str(decoded.order.total) == "100.50"
    assert decoded.order.updated_at.utcoffset() == timedelta(hours=-5)
    assert decoded.order.codes == ("FRIEND-1", "SUMMER")


@pytest.mark.parametrize(
    "stored",
    [
        {},
        [{"type": "order_teleported"}],
        [{"order_id": "7"}],
        [{"type": "order_deleted"}],
        [{"type": "order_deleted", "order_id": 7}],
        [{"type": "order_deleted", "order_id": "7", "extra": 1}],
        [{"type": "refund_created", "order_id": "7", "refund": {"refund_id": "r", "amount": 1}}],
        [{"type": "refund_created", "order_id": "7", "refund": {"refund_id": "r", "amount": "x"}}],
        [{"type": "scopes_updated", "scopes": "read_orders"}],
        ["order_deleted"],
    ],
)
def test_payload_that_is_not_an_event_is_refused(stored: object) -> None:
    with pytest.raises(EventCodecError):
        decode_events(stored)


@pytest.mark.parametrize(
    "event",
    [
        ev.RefundCreated(order_id="7", refund=ev.RefundSeen("r", Decimal("NaN"))),
        ev.OrderChanged(dataclasses.replace(STATE, updated_at=datetime(2026, 11, 1))),  # noqa: DTZ001
    ],
)
def test_event_that_json_cannot_carry_faithfully_is_refused(event: ev.Event) -> None:
    with pytest.raises(EventCodecError):
        encode_events([event])


def _offsets() -> st.SearchStrategy[Any]:
    minutes = st.integers(min_value=-23 * 60, max_value=23 * 60)
    return st.just(UTC) | minutes.map(lambda m: timezone(timedelta(minutes=m)))


def _strategy(hint: Any) -> st.SearchStrategy[Any]:
    """Values of any type an event field may have, built from the events' own type hints."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return st.one_of([_strategy(option) for option in typing.get_args(hint)])
    if origin is tuple:
        return st.lists(_strategy(typing.get_args(hint)[0]), max_size=3).map(tuple)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        hints = typing.get_type_hints(hint, vars(ev))
        fields = {f.name: _strategy(hints[f.name]) for f in dataclasses.fields(hint)}
        return st.builds(hint, **fields)
    simple: dict[Any, st.SearchStrategy[Any]] = {
        type(None): st.none(),
        str: st.text(max_size=20),
        bool: st.booleans(),
        int: st.integers(),
        Decimal: st.decimals(allow_nan=False, allow_infinity=False),
        datetime: st.datetimes(timezones=_offsets()),
    }
    return simple[hint]


ANY_EVENTS = st.lists(st.one_of([_strategy(kind) for kind in TAGS]), max_size=4)


@given(ANY_EVENTS)
def test_any_events_round_trip_through_json(events: list[ev.Event]) -> None:
    stored = json.loads(json.dumps(encode_events(events)))
    decoded = decode_events(stored)
    assert decoded == tuple(events)
    assert [type(e) for e in decoded] == [type(e) for e in events]


def test_refunds_stored_before_they_named_a_currency_still_decode() -> None:
    stored = [
        {"type": "refund_created", "order_id": "7", "refund": {"refund_id": "1", "amount": "5.00"}}
    ]
    (event,) = decode_events(stored)
    assert event == ev.RefundCreated("7", ev.RefundSeen("1", Decimal("5.00")))
    assert event.refund.currency is None


def test_a_refunds_currency_round_trips() -> None:
    event = ev.RefundCreated("7", ev.RefundSeen("1", Decimal("66.00"), "USD"))
    assert decode_events(json.loads(json.dumps(encode_events([event])))) == (event,)
