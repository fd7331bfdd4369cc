"""Where Passiton may send a merchant's webhooks: https to public addresses only.

A merchant types the URL, and Passiton's server makes the request: an address inside our own
network (the database, a cloud metadata service at 169.254.169.254, localhost) would turn the
webhook into a way to reach it. The host is resolved and every address it resolves to must be
public, when the endpoint is saved and again before each send (DNS can change in between).
Development (the sandbox, tests) may allow loopback and private addresses, and plain http
to loopback only, with PASSITON_HOOKS_ALLOW_PRIVATE=1.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from enum import StrEnum
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000

Resolver = Callable[[str, int], Iterable[str]]


class UrlRefusal(StrEnum):
    MALFORMED = "malformed"
    NOT_HTTPS = "not_https"
    CREDENTIALS = "credentials"
    UNRESOLVABLE = "unresolvable"
    PRIVATE_ADDRESS = "private_address"


MESSAGES = {
    UrlRefusal.MALFORMED: "enter a full address, e.g. https://hooks.example.com/passiton",
    UrlRefusal.NOT_HTTPS: "the address must start with https://",
    UrlRefusal.CREDENTIALS: "the address must not carry a user name or password",
    UrlRefusal.UNRESOLVABLE: "this host name does not resolve",
    UrlRefusal.PRIVATE_ADDRESS: "the address points into a private network; use a public host",
}


class RefusedUrl(ValueError):
    """The URL may not receive webhooks; `reason` says why."""

    def __init__(self, reason: UrlRefusal) -> None:
        super().__init__(MESSAGES[reason])
        self.reason = reason


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
    return [str(info[4][0]) for info in infos]


def checked_url(raw: str, *, allow_private: bool, resolve: Resolver = system_resolver) -> str:
    """The URL, stripped, if webhooks may go there; raises RefusedUrl otherwise."""
    value = raw.strip()
    if not value or len(value) > MAX_URL_LENGTH or any(c.isspace() for c in value):
        raise RefusedUrl(UrlRefusal.MALFORMED)
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError as error:
        raise RefusedUrl(UrlRefusal.MALFORMED) from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedUrl(UrlRefusal.MALFORMED)
    if parts.username or parts.password:
        raise RefusedUrl(UrlRefusal.CREDENTIALS)
    addresses = [_ip(a) for a in resolve(parts.hostname, port or _default_port(parts.scheme))]
    if not addresses or any(a is None for a in addresses):
        raise RefusedUrl(UrlRefusal.UNRESOLVABLE)
    loopback = all(a is not None and a.is_loopback for a in addresses)
    if parts.scheme != "https" and not (allow_private and loopback):
        raise RefusedUrl(UrlRefusal.NOT_HTTPS)
    if not allow_private and not all(a is not None and _public(a) for a in addresses):
        raise RefusedUrl(UrlRefusal.PRIVATE_ADDRESS)
    return value


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        # getaddrinfo writes scoped IPv6 addresses as fe80::1%eth0.
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # ::ffff:127.0.0.1 is 127.0.0.1.
        return _public(address.ipv4_mapped)
    # is_global excludes private, loopback, link-local (cloud metadata), shared (CGNAT) and
    # reserved ranges; multicast is global by that test but never a web server.
    return address.is_global and not address.is_multicast
