"""Sending one owed delivery: read it, sign it, POST it outside any transaction, record the answer.

Answers decide what happens next: 2xx delivered; a network error, 408, 429 or 5xx is tried again
later (exponential backoff, `outbound_hooks.MAX_ATTEMPTS` in all); any other status (3xx
included: redirects are not followed, they could lead anywhere) fails the delivery at once.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests
from sqlalchemy.orm import Session

from passiton.app.database import Database
from passiton.app.outbound.public_address import RefusedUrl, Resolver, checked_url, system_resolver
from passiton.app.outbound.signature import signed_headers
from passiton.app.vault import Vault
from passiton.core.models import HookDelivery
from passiton.core.services import outbound_hooks

log = logging.getLogger(__name__)
TIMEOUT = (3.05, 10.0)
"""Connect and read timeouts, in seconds: a slow receiver must not hold a worker."""
RETRYABLE_STATUS = frozenset({408, 429})


@dataclass
class HookSender:
    db: Database
    vault: Vault
    app_url: str
    allow_private: bool = False
    http: requests.Session = field(default_factory=requests.Session)
    resolve: Resolver = system_resolver
    clock: Callable[[], float] = time.time

    def send(self, delivery_id: int) -> HookDelivery | None:
        """Try the delivery once if it is owed; the row as it stands afterwards (None: gone)."""
        with self.db.transaction() as session:
            owed = outbound_hooks.owed_delivery(session, delivery_id, self.app_url)
        if owed is None:
            return None
        secret = self.vault.open_text(owed.secret_sealed)
        body = json.dumps(owed.body, sort_keys=True, separators=(",", ":")).encode()
        try:
            if secret is None:
                raise _Permanent("the endpoint's secret cannot be read (secret key changed?)")
            checked_url(owed.url, allow_private=self.allow_private, resolve=self.resolve)
            timestamp = int(self.clock())
            headers = signed_headers(secret, timestamp, body, owed.event_type, owed.delivery_id)
            response = self.http.post(
                owed.url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False
            )
        except RefusedUrl as error:
            return self._record(delivery_id, False, False, None, f"refused: {error}")
        except _Permanent as error:
            return self._record(delivery_id, False, False, None, str(error))
        except requests.RequestException as error:
            return self._record(delivery_id, False, True, None, type(error).__name__)
        status = response.status_code
        response.close()
        if 200 <= status < 300:
            return self._record(delivery_id, True, False, status, None)
        retryable = status in RETRYABLE_STATUS or status >= 500
        return self._record(delivery_id, False, retryable, status, f"HTTP {status}")

    def _record(
        self,
        delivery_id: int,
        delivered: bool,
        retryable: bool,
        status_code: int | None,
        error: str | None,
    ) -> HookDelivery | None:
        if not delivered:
            # The delivery's ids, never its body: it holds customers' data.
            log.warning("webhook delivery %s not delivered: %s", delivery_id, error)

        def work(session: Session) -> HookDelivery | None:
            return outbound_hooks.record_attempt(
                session,
                delivery_id,
                datetime.now(UTC),
                delivered=delivered,
                retryable=retryable,
                status_code=status_code,
                error=error,
            )

        return self.db.run(work)


class _Permanent(Exception):
    """A failure that no retry can fix."""
