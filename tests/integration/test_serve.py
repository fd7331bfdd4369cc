"""`passiton serve`: the README's run command starts, answers, and stops with its worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests

from tests.support.servers import free_port


def test_serve_listens_reports_health_and_stops_its_worker(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PASSITON_VAR_DIR": str(tmp_path / "var")}
    env.pop("PASSITON_DATABASE_URL", None)
    env.pop("PASSITON_QUEUE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "passiton.app.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        health = _wait_for_health(port)
        assert health == {"status": "ok", "database": "ok", "queue": "ok"}
        children = psutil.Process(process.pid).children(recursive=True)
        assert any("worker" in " ".join(c.cmdline()) for c in children)
        assert (tmp_path / "var" / "passiton.db").is_file()
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    assert f"Passiton listening on http://127.0.0.1:{port}" in output.decode()
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]


def _wait_for_health(port: int) -> object:
    deadline = time.monotonic() + 60
    while True:
        try:
            return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json()
        except requests.RequestException:  # not listening yet, or still booting
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
