"""`passiton serve` run for real on a free port, for the operations tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.support.servers import free_port


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
        # Booting imports the app in several processes; on a busy two-CPU machine that alone
        # can take a minute.
        wait_for(lambda: _answers(f"{served.base}/healthz"), timeout=180)
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def wait_for(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False
