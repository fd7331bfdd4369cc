"""The plugin's opt-in box, read from a WooCommerce order body into the buyer's consent."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from passiton.connectors.woocommerce.orders import order_state
from passiton.core.events import MarketingConsent
from tests.woocommerce.captured import FIXTURES


def with_meta(*entries: tuple[str, object], **fields: object) -> dict[str, Any]:
    order = json.loads((FIXTURES / "order.json").read_text())
    assert isinstance(order, dict)
    order["meta_data"] = [
        {"id": 9000 + n, "key": key, "value": value} for n, (key, value) in enumerate(entries)
    ]
    order.update(fields)
    return order


def test_the_box_is_dated_by_the_orders_creation_not_its_latest_change() -> None:
    order = with_meta(
        ("_passiton_accepts_marketing", "yes"),
        date_created_gmt="2026-11-01T09:00:00",
        date_modified_gmt="2026-11-20T10:00:00",
    )

    assert order_state(order).marketing == MarketingConsent(
        True, datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    )


def test_an_order_without_the_plugins_box_says_nothing_about_consent() -> None:
    assert order_state(with_meta(("_passiton_ref", "ANNA-7K2Q"))).marketing is None


@pytest.mark.parametrize("value", ["", "maybe", "1", True, None, ["yes"]])
def test_a_value_the_plugin_never_writes_says_nothing(value: object) -> None:
    assert order_state(with_meta(("_passiton_accepts_marketing", value))).marketing is None


def test_an_unreadable_creation_date_leaves_the_box_undated() -> None:
    order = with_meta(("_passiton_accepts_marketing", "no"), date_created_gmt="soon")

    assert order_state(order).marketing == MarketingConsent(False, None)
