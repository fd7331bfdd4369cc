"""Switchable store faults: rate limiting (429 + Retry-After), server errors, slow answers.

One seeded random generator decides, so a run with the same seed fails the same calls.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    RATE_LIMITED = "429"
    SERVER_ERROR = "5xx"
    SLOW = "slow"


@dataclass(frozen=True)
class FaultSettings:
    """How often the sandbox misbehaves. All rates are probabilities between 0 and 1."""

    error_rate: float = 0.0
    """Share of API calls answered 429 or 5xx (half each) instead of being served."""
    slow_rate: float = 0.0
    """Share of API calls that sleep `slow_seconds` before being served (or timing out)."""
    slow_seconds: float = 0.0
    retry_after_seconds: int = 1
    webhook_drop_rate: float = 0.0
    """Share of webhook deliveries the sandbox never sends (reconciliation must find them)."""
    seed: int = 7

    @classmethod
    def off(cls) -> FaultSettings:
        """A well-behaved store."""
        return cls()

    @classmethod
    def flaky(cls, rate: float = 0.2, seed: int = 7) -> FaultSettings:
        """`rate` of API calls fail and `rate` of webhooks are dropped."""
        return cls(error_rate=rate, webhook_drop_rate=rate, seed=seed)


@dataclass(frozen=True)
class Fault:
    """One failure to answer with instead of serving the call."""

    status: int
    retry_after: int | None


class FaultInjector:
    """Decides, call by call, whether the store misbehaves; counts what it did."""

    def __init__(self, settings: FaultSettings) -> None:
        self.settings = settings
        self._random = random.Random(settings.seed)  # noqa: S311 - chaos, not cryptography
        self._lock = threading.Lock()
        self.injected: Counter[str] = Counter()

    def before_call(self) -> Fault | None:
        """Sleep if this call is slow; return a fault to answer with, or None to serve it."""
        with self._lock:
            slow = self._random.random() < self.settings.slow_rate
            failing = self._random.random() < self.settings.error_rate
            rate_limited = self._random.random() < 0.5
        if slow:
            self._count(FaultKind.SLOW)
            time.sleep(self.settings.slow_seconds)
        if not failing:
            return None
        if rate_limited:
            self._count(FaultKind.RATE_LIMITED)
            return Fault(429, self.settings.retry_after_seconds)
        self._count(FaultKind.SERVER_ERROR)
        return Fault(502, None)

    def drop_webhook(self) -> bool:
        """True when this webhook delivery is to be lost."""
        with self._lock:
            dropped = self._random.random() < self.settings.webhook_drop_rate
        if dropped:
            self._count("webhook dropped")
        return dropped

    def _count(self, kind: str) -> None:
        with self._lock:
            self.injected[kind] += 1
