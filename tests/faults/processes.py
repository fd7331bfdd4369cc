"""Real processes for fault tests: gunicorn serving create_app(), and concurrent HTTP senders."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TypeVar

import requests

from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")
R = TypeVar("R")


def child_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The environment for a child process that imports this checkout of passiton."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASSITON_", "SHOPIFY_"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


@contextmanager
def gunicorn(
    env: Mapping[str, str],
    *,
    workers: int = 3,
    threads: int = 4,
    app: str = "passiton.app.factory:create_app()",
    worker_class: str = "gthread",
) -> Iterator[str]:
    """Serve `app` (by default Passiton's create_app()) on a free port; yield its base URL.

    `worker_class="gevent"` is what `passiton serve` runs (threads then do not apply).
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                worker_class,
                "--threads",
                str(threads),
                "--no-control-socket",
                app,
            ],
            env=child_env(env),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            wait_until_up(base, process, log)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_up(base: str, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass  # still booting
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited: {log.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not answer /healthz within 60 s")
        time.sleep(0.2)


def fan_out(items: Sequence[T], send: Callable[[requests.Session, T], R], threads: int) -> list[R]:
    """Send every item from `threads` threads, each with its own HTTP session; keep the order."""
    results: list[R | None] = [None] * len(items)

    def lane(start: int) -> None:
        with requests.Session() as session:
            for i in range(start, len(items), threads):
                results[i] = send(session, items[i])

    with ThreadPoolExecutor(threads) as pool:
        for done in [pool.submit(lane, t) for t in range(threads)]:
            done.result()
    return [r for r in results if r is not None]


@contextmanager
def task_worker(env: Mapping[str, str], *, threads: int = 2) -> Iterator[None]:
    """Run a Huey consumer (tests.faults.worker_entry) as its own process; stop it gracefully."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.worker_entry"],
        env=child_env({**env, "FAULT_WORKERS": str(threads)}),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
