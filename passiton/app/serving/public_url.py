"""The public URL `passiton serve` gives the app: links and callbacks must reach this server."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

# Compared against, never bound to: the addresses that mean "every interface" to gunicorn.
EVERY_ADDRESS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104


@dataclass(frozen=True)
class PublicUrl:
    url: str
    warning: str | None = None


def served_url(host: str, port: int) -> str:
    """The URL of the address served, as a browser on that address would write it."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def public_url(app_url: str | None, host: str, port: int) -> PublicUrl:
    """The app URL to run with: the one configured, else the address served, with a warning
    whenever referral links and store callbacks may not reach this server."""
    if app_url is None:
        if host not in EVERY_ADDRESS:
            return PublicUrl(served_url(host, port))
        local = served_url("127.0.0.1", port)
        return PublicUrl(
            local,
            f"PASSITON_APP_URL is not set and {host or '*'} is every address of this machine: "
            f"referral links and store callbacks will use {local}, which only this machine "
            "reaches. Set PASSITON_APP_URL to the address shoppers and stores use.",
        )
    if _points_here(app_url, host, port):
        return PublicUrl(app_url)
    return PublicUrl(
        app_url,
        f"PASSITON_APP_URL is {app_url} but this server listens on {served_url(host, port)}: "
        f"referral links and store callbacks use {app_url}. That is right behind a reverse "
        "proxy that forwards there, and wrong otherwise.",
    )


def _points_here(app_url: str, host: str, port: int) -> bool:
    parts = urlsplit(app_url)
    default_port = 443 if parts.scheme == "https" else 80
    if (parts.port or default_port) != port:
        return False
    if host in EVERY_ADDRESS:
        return True
    return _same_host(parts.hostname or "", host)


def _same_host(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return ipaddress.ip_address(a) == ipaddress.ip_address(b)
    except ValueError:
        return False
