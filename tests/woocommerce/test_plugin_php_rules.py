"""The companion plugin's pure PHP rules: codes, points, bodies, and reading answers."""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passiton.core.codes import canonical, friend_code, looks_like_code, referral_code, reward_code
from tests.woocommerce.plugin_php import php, php_calls

# Mostly strings that are almost codes: any case, stray characters, and around them the ASCII
# whitespace and control characters on which PHP's trim() and Python's str.strip() could differ.
_EDGES = st.text(alphabet=string.whitespace + "\x00\x1c\x1d\x1e\x1f", max_size=3)
_NEAR_CODES = st.builds(
    lambda before, core, after: before + core + after,
    _EDGES,
    st.text(alphabet=string.ascii_letters + string.digits + "-_ .", max_size=44),
    _EDGES,
)
_ASCII = st.one_of(_NEAR_CODES, st.text(alphabet=string.printable, max_size=45))

SHOPPER = {"customer_id": "7", "email": "anna@example.com", "first_name": "Anna"}
KEY = "wp-" + "0123456789abcdef" * 2


def _clean(*raws: Any) -> list[Any]:
    return php_calls(*(("passiton_clean_code", [raw]) for raw in raws))


def test_every_code_passiton_makes_comes_through_the_cleaner() -> None:
    codes = [referral_code() for _ in range(5)] + [friend_code(), reward_code("reward")]
    codes.append(reward_code("gift"))
    # WooCommerce stores coupon codes lower-cased and sends them back that way.
    assert _clean(*codes) == codes
    assert _clean(*(c.lower() for c in codes)) == codes
    assert _clean(*(f" {c}\n" for c in codes)) == codes


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "AB",
        "-ANNA-7K2Q",
        "ANNA 7K2Q",
        "ANNA_7K2Q",
        "ÄNNA-7K2Q",
        "ANNA-7K2Q<script>",
        "A" * 42,
        "ANNA-7K2Q\nX",
        "ANNA-7K2Q\x00",
        None,
        7,
        ["ANNA-7K2Q"],
    ],
)
def test_the_cleaner_refuses_what_is_not_a_code(raw: Any) -> None:
    assert _clean(raw) == [""]


@settings(max_examples=60, deadline=None)
@given(st.lists(_ASCII, min_size=1, max_size=40))
def test_the_cleaner_agrees_with_passiton_on_ascii(raws: list[str]) -> None:
    expected = [canonical(r) if looks_like_code(r) else "" for r in raws]
    assert _clean(*raws) == expected


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=45), min_size=1, max_size=40))
def test_whatever_the_cleaner_keeps_is_a_canonical_code_to_passiton(raws: list[str]) -> None:
    for cleaned in _clean(*raws):
        assert cleaned == "" or (looks_like_code(cleaned) and canonical(cleaned) == cleaned)


@pytest.mark.parametrize(
    ("raw", "points"),
    [
        ("500", 500),
        (" 1200 ", 1200),
        ("000500", 500),
        ("0", 0),
        ("-500", 0),
        ("5.5", 0),
        ("1e3", 0),
        ("", 0),
        ("9999999999", 0),
        ("500abc", 0),
        (None, 0),
        (["500"], 0),
    ],
)
def test_points_typed_into_the_form(raw: Any, points: int) -> None:
    assert php("passiton_points", raw) == points


def test_idempotency_keys_are_fresh_and_accepted_by_the_body() -> None:
    keys = php_calls(*(("passiton_new_idempotency_key", []) for _ in range(20)))
    assert len(set(keys)) == 20
    bodies = php_calls(*(("passiton_redeem_body", [SHOPPER, 500, "reward", k]) for k in keys))
    assert all(b is not None and b["idempotency_key"] in keys for b in bodies)


@pytest.mark.parametrize(
    ("points", "kind", "key"),
    [
        (0, "reward", KEY),
        (-5, "reward", KEY),
        (500, "cash", KEY),
        (500, None, KEY),
        (500, "reward", ""),
        (500, "reward", "wp-short"),
        (500, "reward", KEY.upper()),
        (500, "reward", "x" * 200),
    ],
)
def test_a_redeem_body_needs_the_forms_own_fields(points: int, kind: Any, key: str) -> None:
    assert php("passiton_redeem_body", SHOPPER, points, kind, key) is None


def test_the_redeem_body_names_the_shopper_it_was_given() -> None:
    body = php("passiton_redeem_body", SHOPPER, 500, "gift", KEY)
    assert body == {**SHOPPER, "points": 500, "kind": "gift", "idempotency_key": KEY}


def test_the_shopper_is_the_user_id_email_and_name() -> None:
    assert php("passiton_shopper", 7, "anna@example.com", "Anna") == SHOPPER
    assert php("passiton_shopper", "7abc", None, None) == {
        "customer_id": "7",
        "email": "",
        "first_name": "",
    }


@pytest.mark.parametrize(
    ("status", "raw", "error"),
    [
        (409, '{"error":{"code":"insufficient_points","message":"only 3"}}', "only 3"),
        (422, '{"error":{"message":"redeem at least 500 points"}}', "redeem at least 500 points"),
        (401, '{"error":{"code":"bad_signature","message":"does not verify"}}', ""),
        (500, '{"error":{"message":"something went wrong on our side"}}', ""),
        (502, "<html>Bad gateway</html>", ""),
        (409, '{"error":{"message":["not","a","string"]}}', ""),
        (409, "not json", ""),
        ("", None, ""),
    ],
)
def test_reading_a_refusal(status: Any, raw: Any, error: str) -> None:
    assert php("passiton_read_answer", status, raw) == {"data": None, "error": error}


def test_reading_a_200() -> None:
    assert php("passiton_read_answer", 200, '{"code":"RW-1"}') == {
        "data": {"code": "RW-1"},
        "error": "",
    }
    assert php("passiton_read_answer", 200, "oops") == {"data": None, "error": ""}


def test_after_an_unknown_outcome_the_next_form_retries_with_the_same_key() -> None:
    no_answer = php("passiton_read_answer", "", None)
    notice = php("passiton_redemption_notice", no_answer, "gift", KEY)
    assert notice == {"error": "", "kind": "gift", "retry_key": KEY}


def test_a_code_in_an_answer_is_cleaned_before_it_is_shown() -> None:
    answer = {"data": {"code": "<b>RW</b>", "kind": "reward"}, "error": ""}
    assert php("passiton_redemption_notice", answer, "reward", KEY) == {
        "error": "",
        "kind": "reward",
        "retry_key": KEY,
    }
    answer = {"data": {"code": "rw-abcde-fghjk", "amount": 5, "currency": "eur"}, "error": ""}
    assert php("passiton_redemption_notice", answer, "reward", KEY) == {
        "code": "RW-ABCDE-FGHJK",
        "kind": "reward",
        "amount": "",
        "currency": "",
    }


def test_an_older_passiton_answer_shows_the_link_and_points_but_no_form() -> None:
    answer = {
        "referral_code": "ANNA-7K2Q",
        "link": "https://passiton.example/r/ANNA-7K2Q",
        "points_pending": 1000,
        "points_available": 800,
    }
    view = php("passiton_referral_view", answer)
    assert view["link"] == answer["link"]
    assert (view["points_available"], view["points_pending"]) == (800, 1000)
    assert (view["program_open"], view["can_redeem"], view["gifts_enabled"]) == (
        False,
        False,
        False,
    )


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", 'https://x.example/r/A"onclick=1', "", None, "/r/ANNA-7K2Q"]
)
def test_an_answer_without_a_usable_link_shows_nothing(link: Any) -> None:
    assert php("passiton_referral_view", {"link": link, "points_available": 5}) is None


def test_odd_fields_in_an_answer_are_dropped_not_shown() -> None:
    view = php(
        "passiton_referral_view",
        {
            "link": "https://passiton.example/r/ANNA-7K2Q",
            "points_available": "800",
            "points_pending": -4,
            "available_value": "<img>",
            "currency": "euro",
            "program_enabled": "yes",
            "points_per_currency_unit": 100,
            "gifts_enabled": True,
            "rewards": [
                {
                    "code": "RW-ABCDE-FGHJK",
                    "kind": "reward",
                    "amount": "5.00",
                    "amount_text": "<img src=x>",
                },
                {"code": "<script>", "kind": "gift", "amount": "1.00"},
                "RW-ABCDE-FGHJK",
            ],
        },
    )
    assert view["points_available"] == 0
    assert view["points_pending"] == 0
    assert (view["available_value"], view["currency"]) == ("", "")
    assert (view["program_open"], view["gifts_enabled"]) == (False, False)
    assert view["rewards"] == [
        {"code": "RW-ABCDE-FGHJK", "kind": "reward", "amount": "5.00", "amount_text": ""}
    ]
