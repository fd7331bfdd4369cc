"""`passiton serve`: the README's run command starts, answers, and stops with its worker.

Each test runs the real command in a subprocess with real sockets: the web role under gunicorn
and the embedded task worker, supervised by `serve`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psutil
import requests

from passiton.app.runtime import Runtime
from passiton.core.events import OrderDeleted
from passiton.core.models import Platform, WebhookDelivery
from passiton.core.services.deliveries import record_delivery
from passiton.core.services.shops import install_shop
from tests.conftest import RuntimeFactory
from tests.support.servers import free_port

SLOW_CLIENTS = 64
"""Eight times the threads the old gthread server had (2 workers x 4 threads)."""


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def serving(tmp_path: Path, *args: str, **environ: str) -> Iterator[Served]:
    """`passiton serve ARGS` on a free port, answering /healthz; stopped with SIGTERM after."""
    port = free_port()
    env = {**os.environ, "PASSITON_VAR_DIR": str(tmp_path / "var"), **environ}
    for name in ("PASSITON_DATABASE_URL", "PASSITON_QUEUE_URL", "PASSITON_APP_URL"):
        if name not in environ:
            env.pop(name, None)
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "passiton.app.cli", "serve", "--port", str(port), *args],
            cwd=tmp_path,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    served = Served(process, port, log)
    try:
        # Booting imports the app in three processes (two web workers, the task worker); on a
        # busy two-CPU machine that alone can take a minute.
        _wait_for(
            lambda: requests.get(f"{served.base}/healthz", timeout=2).status_code == 200,
            timeout=180,
        )
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def test_serve_listens_reports_health_and_stops_its_worker(tmp_path: Path) -> None:
    with serving(tmp_path) as served:
        health = requests.get(f"{served.base}/healthz", timeout=5).json()
        children = psutil.Process(served.process.pid).children(recursive=True)
        assert _task_workers(served.process.pid)
        assert (tmp_path / "var" / "passiton.db").is_file()
    assert {k: health[k] for k in ("status", "database", "queue")} == {
        "status": "ok",
        "database": "ok",
        "queue": "ok",
    }
    assert f"Passiton listening on http://127.0.0.1:{served.port}" in served.output()
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]


def test_without_an_app_url_links_and_callbacks_point_at_the_port_served(tmp_path: Path) -> None:
    with serving(tmp_path, SHOPIFY_API_KEY="client-id", SHOPIFY_API_SECRET="s" * 32) as served:
        install = requests.get(
            f"{served.base}/shopify/install",
            params={"shop": "anna.myshopify.com"},
            allow_redirects=False,
            timeout=5,
        )
    callback = parse_qs(urlsplit(install.headers["Location"]).query)["redirect_uri"]
    assert callback == [f"{served.base}/shopify/callback"]
    assert f"links point at {served.base})" in served.output()
    assert "warning" not in served.output()


def test_an_app_url_elsewhere_is_kept_and_named_at_start_up(tmp_path: Path) -> None:
    with serving(tmp_path, PASSITON_APP_URL="https://refer.example.com") as served:
        pass
    assert (
        f"warning: PASSITON_APP_URL is https://refer.example.com but this server listens on "
        f"{served.base}" in served.output()
    )


def test_health_answers_while_many_more_slow_clients_than_threads_dribble_headers(
    tmp_path: Path,
) -> None:
    with serving(tmp_path, "--no-worker") as served:
        # Given 64 clients that each keep a request open, sending one header line at a time
        # (and, like an attacker, opening a new one whenever the server drops theirs)
        slow = [SlowClient(served.port) for _ in range(SLOW_CLIENTS)]
        try:
            answers = []
            for _second in range(5):
                for _half in range(2):
                    for client in slow:
                        client.dribble()
                    time.sleep(0.5)
                # When a monitor asks for health meanwhile, then it gets an answer
                answers.append(requests.get(f"{served.base}/healthz", timeout=5).status_code)
        finally:
            for client in slow:
                client.close()
    assert answers == [200] * 5


class SlowClient:
    """A connection that started a request and sends its header one line per call."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.lines = 0
        self.connection = self._open()

    def _open(self) -> socket.socket:
        connection = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: passiton.test\r\n")
        return connection

    def dribble(self) -> None:
        self.lines += 1
        try:
            self.connection.sendall(f"X-Slow-{self.lines}: still here\r\n".encode())
        except OSError:  # the server gave up on this request; start another
            self.connection.close()
            self.connection = self._open()

    def close(self) -> None:
        self.connection.close()


def test_access_log_redacts_credentials_in_query_strings(tmp_path: Path) -> None:
    secrets = {
        "id_token": "SECRET-SESSION-TOKEN",
        "code": "SECRET-OAUTH-CODE",
        "hmac": "SECRET-HMAC",
        "signature": "SECRET-PROXY-SIGNATURE",
        "logged_in_customer_id": "SECRET-CUSTOMER-4242",
        "state": "SECRET-WC-STATE",
    }
    query = "shop=anna.myshopify.com&" + "&".join(f"{k}={v}" for k, v in secrets.items())
    with serving(tmp_path, "--no-worker") as served:
        response = requests.get(
            f"{served.base}/healthz?{query}",
            headers={"Referer": f"https://admin.shopify.com/app?{query}"},
            timeout=5,
        )
        assert response.status_code == 200
    output = served.output()
    for value in secrets.values():
        assert value not in output
    [line] = [x for x in output.splitlines() if "GET /healthz?shop=anna.myshopify.com" in x]
    redacted = "&".join(f"{k}=[redacted]" for k in secrets)
    assert f'"GET /healthz?shop=anna.myshopify.com&{redacted} HTTP/1.1" 200' in line
    assert f'"https://admin.shopify.com/app?shop=anna.myshopify.com&{redacted}"' in line


def test_serve_without_a_worker_keeps_healthz_up_and_the_queue_endpoint_down(
    tmp_path: Path,
) -> None:
    with serving(tmp_path, "--no-worker") as served:
        health = requests.get(f"{served.base}/healthz", timeout=5)
        queue = requests.get(f"{served.base}/healthz/queue", timeout=5)
    assert health.status_code == 200
    assert health.json()["worker"] == "missing"
    assert queue.status_code == 503
    assert queue.json()["reason"] == "no task worker has ever been seen on this queue"


def test_a_killed_worker_is_restarted_and_applies_deliveries_accepted_afterwards(
    tmp_path: Path, make_runtime: RuntimeFactory
) -> None:
    with serving(tmp_path, "--task-workers", "1") as served:
        # Given a running worker that monitoring sees
        _wait_for(lambda: requests.get(f"{served.base}/healthz/queue", timeout=2).ok)
        [killed] = _task_workers(served.process.pid)
        # When it is SIGKILLed
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=10)
        # Then serve starts another one
        _wait_for(
            lambda: [p.pid for p in _task_workers(served.process.pid)] not in ([], [killed.pid])
        )
        # And a delivery accepted afterwards gets applied by it
        runtime = _runtime_beside(served, tmp_path, make_runtime)
        delivery_id = _accept_delivery(runtime)
        _wait_for(lambda: _applied(runtime, delivery_id))
        assert requests.get(f"{served.base}/healthz/queue", timeout=5).status_code == 200
        assert "worker (pid" in served.output()


def _runtime_beside(served: Served, tmp_path: Path, make_runtime: RuntimeFactory) -> Runtime:
    var = tmp_path / "var"
    return make_runtime(
        f"sqlite:///{var / 'passiton.db'}",
        queue_url=f"sqlite:///{var / 'queue.db'}",
        immediate_tasks=False,
    )


def _accept_delivery(runtime: Runtime) -> int:
    """What the webhook receiver does on the response path: record the delivery, enqueue it."""
    with runtime.db.transaction() as session:
        shop = install_shop(
            session, platform=Platform.FAKE, domain="anna-shop.example", name="Anna's Shop"
        )
        delivery_id = record_delivery(
            session,
            Platform.FAKE,
            shop.id,
            "d-1",
            "orders/delete",
            [OrderDeleted("1")],
            datetime.now(UTC),
        )
    assert delivery_id is not None
    runtime.tasks.apply_delivery(delivery_id)
    return delivery_id


def _applied(runtime: Runtime, delivery_id: int) -> bool:
    with runtime.db.sessions() as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        return delivery is not None and delivery.applied_at is not None


def _task_workers(serve_pid: int) -> list[psutil.Process]:
    """The task worker processes under `serve` (not gunicorn's web workers)."""
    return [
        child
        for child in psutil.Process(serve_pid).children(recursive=True)
        if child.is_running()
        and child.status() != psutil.STATUS_ZOMBIE
        and child.cmdline()[1:4] == ["-m", "passiton.app.cli", "worker"]
    ]


def _wait_for(probe: object, timeout: float = 60) -> None:
    assert callable(probe)
    deadline = time.monotonic() + timeout
    while True:
        try:
            if probe():
                return
        except requests.RequestException:  # not listening yet, or still booting
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s")
        time.sleep(0.2)


def test_serve_exits_and_stops_its_worker_when_the_web_role_dies(tmp_path: Path) -> None:
    with serving(tmp_path, "--task-workers", "1") as served:
        [gunicorn] = [
            child
            for child in psutil.Process(served.process.pid).children()
            if "passiton.app.serving.server" in child.cmdline()
        ]
        workers = _task_workers(served.process.pid)
        gunicorn.send_signal(signal.SIGKILL)
        status = served.process.wait(timeout=60)
    assert status != 0
    assert "web exited with status -9; stopping" in served.output()
    assert not [w for w in workers if w.is_running() and w.status() != psutil.STATUS_ZOMBIE]
