"""Which webhook URLs a merchant may save and Passiton may call (SSRF refusals)."""

from __future__ import annotations

import pytest

from passiton.app.outbound.public_address import RefusedUrl, UrlRefusal, checked_url

PUBLIC = "93.184.215.14"


def resolving_to(*addresses: str):  # type: ignore[no-untyped-def]
    return lambda host, port: list(addresses)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.10",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "::1",
        "fe80::1%eth0",
        "fd00::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_a_host_resolving_to_a_private_address_is_refused(address: str) -> None:
    with pytest.raises(RefusedUrl) as refused:
        checked_url(
            "https://hooks.example.com/x", allow_private=False, resolve=resolving_to(address)
        )
    assert refused.value.reason is UrlRefusal.PRIVATE_ADDRESS


def test_one_private_address_among_public_ones_is_enough_to_refuse() -> None:
    with pytest.raises(RefusedUrl) as refused:
        checked_url(
            "https://hooks.example.com/x",
            allow_private=False,
            resolve=resolving_to(PUBLIC, "10.1.2.3"),
        )
    assert refused.value.reason is UrlRefusal.PRIVATE_ADDRESS


def test_a_public_https_url_is_accepted_as_typed() -> None:
    url = "  https://a.klaviyo.example/webhooks/passiton?list=7  "
    assert checked_url(url, allow_private=False, resolve=resolving_to(PUBLIC)) == url.strip()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.com/x", UrlRefusal.NOT_HTTPS),
        ("ftp://hooks.example.com/x", UrlRefusal.MALFORMED),
        ("hooks.example.com/x", UrlRefusal.MALFORMED),
        ("https://", UrlRefusal.MALFORMED),
        ("https://hooks.example.com:99999/x", UrlRefusal.MALFORMED),
        ("https://a b.example.com/", UrlRefusal.MALFORMED),
        ("https://user:pw@hooks.example.com/x", UrlRefusal.CREDENTIALS),
        ("https://" + "a" * 2000 + ".example.com/", UrlRefusal.MALFORMED),
    ],
)
def test_malformed_plain_http_and_credentialed_urls_are_refused(
    url: str, reason: UrlRefusal
) -> None:
    with pytest.raises(RefusedUrl) as refused:
        checked_url(url, allow_private=False, resolve=resolving_to(PUBLIC))
    assert refused.value.reason is reason


def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(RefusedUrl) as refused:
        checked_url("https://nowhere.invalid/x", allow_private=False, resolve=resolving_to())
    assert refused.value.reason is UrlRefusal.UNRESOLVABLE


def test_development_allows_plain_http_to_loopback_only() -> None:
    assert checked_url(
        "http://127.0.0.1:9000/x", allow_private=True, resolve=resolving_to("127.0.0.1")
    )
    with pytest.raises(RefusedUrl) as refused:
        checked_url("http://10.0.0.5/x", allow_private=True, resolve=resolving_to("10.0.0.5"))
    assert refused.value.reason is UrlRefusal.NOT_HTTPS


def test_the_real_resolver_sees_localhost_as_loopback() -> None:
    with pytest.raises(RefusedUrl) as refused:
        checked_url("https://localhost/x", allow_private=False)
    assert refused.value.reason is UrlRefusal.PRIVATE_ADDRESS
