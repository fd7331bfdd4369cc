"""Task workers say they are alive in the queue store; the web role reads when one last did.

The heartbeat lives in the queue store (Huey's key-value storage: the SQLite file or Redis),
not in the database: it is a fact about who consumes that queue, every web and worker process
already reaches that store, a worker that cannot reach it cannot consume either, and a
timestamp rewritten every few seconds has no business in the database's write load or its
migrations. One key holds the newest beat of any worker; monitoring needs "has any worker been
seen recently", and the time is wall-clock seconds because workers may run on other machines.
"""

from __future__ import annotations

import logging
import threading
import time

from huey.api import Huey

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "passiton:worker-heartbeat"
BEAT_EVERY = 5.0
"""Seconds between a worker's beats."""
STALE_AFTER = 30.0
"""Seconds without a beat after which no worker counts as running (several missed beats)."""


def beat(huey: Huey, now: float | None = None) -> None:
    """Record that a worker is alive now."""
    huey.put(HEARTBEAT_KEY, time.time() if now is None else now)


def last_beat(huey: Huey) -> float | None:
    """When a worker last beat (epoch seconds), or None if none ever did."""
    value = huey.get(HEARTBEAT_KEY, peek=True)
    return float(value) if isinstance(value, int | float) else None


class HeartbeatThread(threading.Thread):
    """Beats every BEAT_EVERY seconds until stopped; a failed beat is logged and retried."""

    def __init__(self, huey: Huey, every: float = BEAT_EVERY) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self._huey = huey
        self._every = every
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.is_set():
            try:
                beat(self._huey)
            except Exception:  # the queue store is down: health reports it, the next beat retries
                log.warning("worker heartbeat failed", exc_info=True)
            self._stopped.wait(self._every)

    def stop(self) -> None:
        self._stopped.set()
