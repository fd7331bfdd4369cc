"""deploy/nginx/passiton.conf in front of `passiton serve`, for real: Debian's nginx, a self-signed
certificate, loopback ports, everything run as the current user from a config generated from the
example (only the addresses, certificate and log paths are changed)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.integration.test_serve import Served, serving
from tests.ops.polling import wait_for
from tests.support.servers import free_port

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "passiton.conf"


@dataclass
class Proxy:
    https: int
    http: int
    certificate: Path
    access_log: Path

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.https}"


def site_config(upstream: int, proxy: Proxy, key: Path) -> str:
    """The example site with this test's ports, certificate and log; fails if the example drifts."""
    text = EXAMPLE.read_text()
    changes = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream};",
        "    listen 80;\n": f"    listen 127.0.0.1:{proxy.http};\n",
        "    listen [::]:80;\n": "",
        "    listen 443 ssl http2;\n": f"    listen 127.0.0.1:{proxy.https} ssl http2;\n",
        "    listen [::]:443 ssl http2;\n": "",
        "/etc/letsencrypt/live/referrals.example.com/fullchain.pem": str(proxy.certificate),
        "/etc/letsencrypt/live/referrals.example.com/privkey.pem": str(key),
        "/var/log/nginx/passiton.access.log": str(proxy.access_log),
    }
    for old, new in changes.items():
        assert old in text, f"the example no longer has {old!r}"
        text = text.replace(old, new)
    return text


@contextmanager
def nginx_in_front(directory: Path, upstream: int, https: int) -> Iterator[Proxy]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    openssl = shutil.which("openssl")
    assert Path(nginx).is_file(), "scripts/test installs nginx"
    assert openssl, "scripts/test installs openssl"
    key, certificate = directory / "key.pem", directory / "certificate.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(certificate), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    proxy = Proxy(https, free_port(), certificate, directory / "passiton.access.log")
    (directory / "passiton.conf").write_text(site_config(upstream, proxy, key))
    temporary = "\n".join(
        f"    {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # Run as root (as the tests are here), nginx would hand its workers to `nobody`.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(
        f"{user}pid {directory / 'nginx.pid'};\nerror_log {directory / 'error.log'};\n"
        "events { worker_connections 64; }\n"
        f"http {{\n{temporary}\n    access_log off;\n"
        f"    include {directory / 'passiton.conf'};\n}}\n"
    )
    process = subprocess.Popen(
        [
            *(nginx, "-p", str(directory), "-c", str(directory / "nginx.conf")),
            *("-e", str(directory / "error.log"), "-g", "daemon off;"),
        ]
    )
    try:
        wait_for(lambda: _listening(proxy), timeout=30)
        yield proxy
    finally:
        process.send_signal(signal.SIGQUIT)
        process.wait(timeout=30)


def _listening(proxy: Proxy) -> bool:
    try:
        requests.get(f"{proxy.base}/healthz", verify=str(proxy.certificate), timeout=2)
    except requests.RequestException:
        return False
    return True


@contextmanager
def passiton_behind_nginx(tmp_path: Path) -> Iterator[tuple[Served, Proxy]]:
    """`passiton serve` with the proxy's https URL as its public URL, and nginx in front."""
    (tmp_path / "nginx").mkdir()
    https = free_port()
    with (
        serving(
            tmp_path,
            "--no-worker",
            "--web-workers",
            "1",
            PASSITON_APP_URL=f"https://127.0.0.1:{https}",
            PASSITON_TRUSTED_PROXIES="1",
        ) as served,
        nginx_in_front(tmp_path / "nginx", served.port, https) as proxy,
    ):
        yield served, proxy


def test_health_answers_over_tls_through_the_proxy_with_the_proxys_request_id(
    tmp_path: Path,
) -> None:
    with passiton_behind_nginx(tmp_path) as (_served, proxy):
        health = requests.get(f"{proxy.base}/healthz", verify=str(proxy.certificate), timeout=10)
        plain = requests.get(
            f"http://127.0.0.1:{proxy.http}/healthz", allow_redirects=False, timeout=10
        )
    assert health.status_code == 200
    assert health.json()["database"] == "ok"
    # nginx's $request_id reached Passiton, which accepted and echoed it; both logs carry it
    request_id = health.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert request_id in proxy.access_log.read_text()
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://127.0.0.1")


def test_urls_passiton_builds_from_the_request_use_the_forwarded_scheme_host_and_port(
    tmp_path: Path,
) -> None:
    with passiton_behind_nginx(tmp_path) as (served, proxy):
        # A path with a doubled slash is redirected to its canonical URL, built from the
        # request's scheme and host: the proxy's, not gunicorn's plain-http address.
        redirected = requests.get(
            f"{proxy.base}/healthz//queue",
            verify=str(proxy.certificate),
            allow_redirects=False,
            timeout=10,
        )
    assert redirected.status_code == 308
    assert redirected.headers["Location"] == f"{proxy.base}/healthz/queue"
    assert str(served.port) not in redirected.headers["Location"]


def test_the_session_cookie_is_secure_and_a_form_round_trip_works_over_tls(
    tmp_path: Path,
) -> None:
    with passiton_behind_nginx(tmp_path) as (_served, proxy):
        browser = requests.Session()
        # Per request: requests lets REQUESTS_CA_BUNDLE override a session's own `verify`.
        trust = str(proxy.certificate)
        form = browser.get(f"{proxy.base}/login", verify=trust, timeout=10)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert csrf is not None
        login = browser.post(
            f"{proxy.base}/login",
            data={"email": "nobody@example.com", "password": "wrong", "csrf_token": csrf.group(1)},
            verify=trust,
            timeout=10,
        )
    cookie = form.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    # The CSRF token matched the session cookie sent back over TLS: the answer is the wrong
    # password (401), not a stale form (400).
    assert login.status_code == 401
