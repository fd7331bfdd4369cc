"""Login throttling: failed passwords slow down the client and the account, never lock it.

A hard lock on an e-mail after a few failures lets anyone lock its owner out (and renew the lock
forever). Instead failures are counted with the `limits` library in three scopes, each with
windows that grow (5 in 15 minutes, 10 in an hour, 20 in a day…), so a persistent guesser waits
longer and longer:

- this client on this account, the tightest: one attacker on one account;
- this client on any account: one attacker trying many accounts (looser, since an office may
  share one address);
- the account from clients it has never logged in from: guesses spread over many addresses.
  A client that logged in successfully is remembered for the account, so the owner can still
  log in from their own address while the account is under attack elsewhere.

Only failures are counted, and a refused attempt is not one, so a throttled client cannot renew
its own wait. The counts live where `rate_limit_storage` puts them (Redis beside a Redis queue,
so every web process shares them); if Redis cannot be reached, each process counts on its own
rather than refusing or allowing every login.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)

PER_CLIENT_AND_ACCOUNT = parse_many("5/15 minutes;10/hour;20/day")
PER_CLIENT = parse_many("20/15 minutes;60/hour;200/day")
PER_ACCOUNT_FROM_NEW_CLIENTS = parse_many("50/hour;200/day")
KNOWN_CLIENT_DAYS = 30
KEY_PREFIX = "passiton-login"


@dataclass(frozen=True)
class Throttled:
    retry_after: int
    """Seconds until this client may try this account again."""


class LoginThrottle:
    """Says whether a login may be tried now, and records failures and successes."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._limiter = MovingWindowRateLimiter(storage)
        self._fallback = (
            None if isinstance(storage, MemoryStorage) else LoginThrottle(MemoryStorage())
        )

    def check(self, account: str, client: str) -> Throttled | None:
        """None if `client` may try `account` now; otherwise how long it must wait."""
        try:
            waits = [
                self._limiter.get_window_stats(item, *keys).reset_time - time.time()
                for item, keys in self._scopes(account, client)
                if not self._limiter.test(item, *keys)
            ]
        except StorageError as error:
            return self._degraded(error).check(account, client)
        return Throttled(max(1, math.ceil(max(waits)))) if waits else None

    def failed(self, account: str, client: str) -> None:
        """Count a wrong password (or an unknown account) against every scope."""
        try:
            for item, keys in self._scopes(account, client):
                self._limiter.hit(item, *keys)
        except StorageError as error:
            self._degraded(error).failed(account, client)

    def succeeded(self, account: str, client: str) -> None:
        """Remember `client` as one the account's owner uses."""
        try:
            self.storage.incr(_known_key(account, client), KNOWN_CLIENT_DAYS * 86400)
        except StorageError as error:
            self._degraded(error).succeeded(account, client)

    def _scopes(self, account: str, client: str) -> list[tuple[RateLimitItem, Sequence[str]]]:
        scopes: list[tuple[RateLimitItem, Sequence[str]]] = [
            *((item, ("client-account", client, account)) for item in PER_CLIENT_AND_ACCOUNT),
            *((item, ("client", client)) for item in PER_CLIENT),
        ]
        if not self.storage.get(_known_key(account, client)):
            scopes += [(item, ("account", account)) for item in PER_ACCOUNT_FROM_NEW_CLIENTS]
        return scopes

    def _degraded(self, error: StorageError) -> LoginThrottle:
        if self._fallback is None:
            raise error
        log.warning("login throttle counted in this process only: %s", error)
        return self._fallback


def _known_key(account: str, client: str) -> str:
    return f"{KEY_PREFIX}/known/{account}/{client}"
