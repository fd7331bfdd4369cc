"""Runs the service's processes as children, restarts the ones that die, stops them all cleanly.

`passiton serve` runs the web role and the embedded task worker this way. A worker that dies
(killed by the OOM killer, a crash in a C extension, a SIGKILL) leaves accepted webhook
deliveries unapplied until something starts a worker again, so the supervisor restarts it,
waiting longer after each quick death (1 s, 2 s, 4 s … 30 s) so a worker that cannot start
does not spin. The web role is not restarted here: gunicorn already restarts its own workers,
and if its master exits the service is down and `serve` exits with it, for systemd or the
container runtime to see.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from types import FrameType

log = logging.getLogger(__name__)

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
STABLE_AFTER = 60.0
"""A child that ran this long before dying counts as healthy: its next restart is immediate-ish."""
STOP_GRACE = 15.0


def restart_delay(quick_deaths: int) -> float:
    """Seconds to wait before restarting a child that died `quick_deaths` times in a row."""
    return float(min(BACKOFF_FIRST * 2 ** max(quick_deaths - 1, 0), BACKOFF_MAX))


@dataclass
class Child:
    """One supervised process: its command, how to stop it, and whether to restart it."""

    name: str
    argv: list[str]
    restart: bool
    stop_signal: signal.Signals = signal.SIGTERM
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    started_at: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv)
        self.started_at = time.monotonic()
        self.restart_at = None
        log.info("started %s (pid %s)", self.name, self.process.pid)


class Supervisor:
    """Start the children, watch them until SIGTERM/SIGINT or the web role exits, then stop all."""

    def __init__(self, children: list[Child], poll: float = 0.2) -> None:
        self.children = children
        self.poll = poll
        self._stop = threading.Event()

    def run(self) -> int:
        """Supervise until told to stop; the exit status for the command."""
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        status = 0
        try:
            for child in self.children:
                child.start()
            while not self._stop.is_set():
                ended = self._check()
                if ended is not None:
                    status = ended
                    break
                self._stop.wait(self.poll)
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return status

    def stop(self) -> None:
        self._stop.set()

    def _on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        self._stop.set()

    def _check(self) -> int | None:
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.start()
                continue
            if child.process is None:
                continue
            code = child.process.poll()
            if code is None:
                continue
            if not child.restart:
                log.error("%s exited with status %s; stopping", child.name, code)
                return code or 1
            ran = now - child.started_at
            child.quick_deaths = 1 if ran >= STABLE_AFTER else child.quick_deaths + 1
            delay = restart_delay(child.quick_deaths)
            child.restart_at = now + delay
            log.warning(
                "%s (pid %s) exited with status %s after %.0f s; restarting in %.0f s",
                child.name,
                child.process.pid,
                code,
                ran,
                delay,
            )
        return None

    def _stop_all(self) -> None:
        running = [c for c in self.children if c.process is not None and c.process.poll() is None]
        for child in running:
            assert child.process is not None
            child.process.send_signal(child.stop_signal)
        deadline = time.monotonic() + STOP_GRACE
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in %.0f s; killing it", child.name, STOP_GRACE)
                child.process.kill()
                child.process.wait()
