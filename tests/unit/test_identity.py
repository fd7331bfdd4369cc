import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passiton.core.identity import address_key, email_key, is_plausible_email, phone_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Anna@Example.com", "anna@example.com"),
        ("  anna@example.com ", "anna@example.com"),
        ("anna+promo@example.com", "anna@example.com"),
        ("a.n.n.a@gmail.com", "anna@gmail.com"),
        ("A.Nna+x@GoogleMail.com", "anna@gmail.com"),
        ("a.nna@example.com", "a.nna@example.com"),
        ("no-at-sign", None),
        ("", None),
        (None, None),
        ("+tag@example.com", None),
    ],
)
def test_email_key_finds_the_mailbox(raw: str | None, expected: str | None) -> None:
    assert email_key(raw) == expected


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("anna@example.com", True),
        ("anna@localhost", False),
        ("an na@example.com", False),
        ("anna@@example.com", False),
        ("a" * 250 + "@example.com", False),
    ],
)
def test_plausible_email(raw: str, ok: bool) -> None:
    assert is_plausible_email(raw) is ok


@pytest.mark.parametrize(
    "variant",
    [
        "anna@example.com.",
        "Anna@Example.COM.",
        '"anna"@example.com',
        '"anna+promo"@example.com',
        "an\u200bna@example.com",
        "anna@exam\u200dple.com",
        "\ufeffanna@example.com\u2060",
        "an\u00adna@example.com",
        "\uff41\uff4e\uff4e\uff41\uff20example.com",
    ],
)
def test_email_key_sees_through_variants_of_one_address(variant: str) -> None:
    assert email_key(variant) == "anna@example.com"


def test_email_key_compares_international_domains_in_one_form() -> None:
    assert email_key("anna@Bücher.de") == email_key("anna@xn--bcher-kva.de")


def test_email_key_of_a_quoted_gmail_address_drops_dots_and_tag() -> None:
    assert email_key('"a.nna+x"@gmail.com.') == "anna@gmail.com"


@pytest.mark.parametrize(
    "raw",
    [
        "anna@example.com.",
        "an\u200bna@example.com",
        "anna@example.com\u200b",
        "a..nna@example.com",
        ".anna@example.com",
        "anna@-example.com",
        "anna@exa_mple.com",
    ],
)
def test_addresses_that_are_not_valid_syntax_are_not_plausible(raw: str) -> None:
    assert is_plausible_email(raw) is False


def test_phone_key_ignores_formatting_and_prefixes() -> None:
    assert phone_key("+49 30 1234567") == phone_key("0049-30-123 4567")
    assert phone_key("12") is None


def test_address_key_ignores_case_accents_and_punctuation() -> None:
    assert address_key("Hauptstraße 1", "10115", "DE") == address_key(
        "HAUPTSTRASSE 1", "10115", "de"
    )
    assert address_key("Rue de l'Église 3", "75001") == address_key("rue de l eglise 3", "75001")
    assert address_key("only one part") is None


def test_address_key_ignores_parts_that_are_not_text() -> None:
    assert address_key({"a": 1}, "10115", "DE") == address_key(None, "10115", "DE")  # type: ignore[arg-type]


@given(st.text(max_size=400))
@settings(deadline=None)
def test_any_text_gets_a_key_or_none_and_never_an_error(raw: str) -> None:
    key = email_key(raw)
    assert key is None or "@" in key
    assert is_plausible_email(raw) in (True, False)


@given(st.emails())
@settings(deadline=None)
def test_a_valid_address_keys_to_a_key_that_keys_to_itself(address: str) -> None:
    key = email_key(address)
    assert key is not None
    assert email_key(key) == key
