"""The sandbox's own clock: real time by default, movable in tests (token expiry, buckets)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class SandboxClock:
    """Monotonic seconds plus an offset that tests (or a client's `sleep`) can advance."""

    def __init__(self, *, frozen: bool = False) -> None:
        self._frozen = frozen
        self._start = time.monotonic()
        self._offset = 0.0
        self._lock = threading.Lock()

    def seconds(self) -> float:
        """Seconds since the sandbox started, as the sandbox sees them."""
        with self._lock:
            elapsed = 0.0 if self._frozen else time.monotonic() - self._start
            return elapsed + self._offset

    def advance(self, seconds: float) -> None:
        """Move the sandbox's time forward (a frozen clock moves only like this)."""
        with self._lock:
            self._offset += max(0.0, seconds)

    def now(self) -> datetime:
        """Wall-clock time shifted by whatever the clock was advanced."""
        with self._lock:
            return datetime.fromtimestamp(time.time() + self._offset, UTC)
