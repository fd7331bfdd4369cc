"""Pruning what Passiton no longer needs: old applied webhook deliveries, link visit days,
login failures of the previous release and data exports. The ledger is never pruned.

A delivery row is what recognises a redelivery as a duplicate, so it is kept well past the
platforms' retry windows (Shopify retries for 4 hours; WooCommerce never does), and a delivery
not yet applied is never pruned whatever its age: it is owed work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from passiton.core.merchants import LoginFailure
from passiton.core.models import DataExport, LinkVisitDay, WebhookDelivery

MIN_DELIVERY_RETENTION = timedelta(days=2)
"""Shorter would let a platform's late retry of an applied delivery count twice."""


@dataclass(frozen=True)
class RetentionPolicy:
    """How long each kind of record is kept."""

    webhook_deliveries: timedelta = timedelta(days=30)
    link_visit_days: timedelta = timedelta(days=400)
    """Past the longest daily series the merchant API draws (365 days)."""
    login_failures: timedelta = timedelta(days=30)
    data_exports: timedelta = timedelta(days=30)


def prune(session: Session, policy: RetentionPolicy, now: datetime) -> dict[str, int]:
    """Delete what the policy no longer keeps; the number of rows removed, per kind."""
    delivery_cutoff = now - max(policy.webhook_deliveries, MIN_DELIVERY_RETENTION)
    removed = {
        "webhook_deliveries": session.execute(
            delete(WebhookDelivery).where(
                WebhookDelivery.applied_at.is_not(None),
                WebhookDelivery.applied_at < delivery_cutoff,
            )
        ),
        "link_visit_days": session.execute(
            delete(LinkVisitDay).where(LinkVisitDay.day < (now - policy.link_visit_days).date())
        ),
        "login_failures": session.execute(
            delete(LoginFailure).where(LoginFailure.failed_at < now - policy.login_failures)
        ),
        "data_exports": session.execute(
            delete(DataExport).where(DataExport.requested_at < now - policy.data_exports)
        ),
    }
    return {kind: int(getattr(result, "rowcount", 0) or 0) for kind, result in removed.items()}
