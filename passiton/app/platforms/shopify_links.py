"""Writing buyers' referral links to their Shopify customer records: the task and its sweep.

Enrolment owes the link (a `link_publications` row in its transaction); after the commit a
task writes the metafield, outside any transaction; the sweep re-finds links a lost task left.
Throttling is waited out by the Admin client like every other call; what is still retryable
after that is tried again by the queue, a refusal (no write_customers grant, a deleted
customer) is recorded and not retried.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from huey import crontab
from huey.api import Huey

from passiton.app.config import Settings
from passiton.app.database import Database
from passiton.app.platforms.shopify import admin_client
from passiton.app.tasks.after_commit import enqueue_after_commit
from passiton.app.tasks.jobs import Tasks
from passiton.app.vault import Vault
from passiton.connectors.shopify.customer_links import write_referral_url
from passiton.core.ports import StoreError
from passiton.core.services import link_publications

log = logging.getLogger(__name__)


def install_link_publishing(
    settings: Settings, db: Database, vault: Vault, huey: Huey, tasks: Tasks
) -> Tasks:
    """Register the publish task and its sweep, enqueue after each commit; returns all tasks."""

    @huey.task(
        name="publish_link",
        retries=link_publications.MAX_ATTEMPTS,
        retry_delay=30,
        retry_backoff=2,
    )
    def publish(publication_id: int) -> bool:
        return publish_link(settings, db, vault, publication_id)

    @huey.periodic_task(crontab(minute="*/5"), name="sweep_links")
    def sweep() -> None:
        with db.transaction() as session:
            owed = link_publications.owed_publications(session)
        for publication_id in owed:
            publish(publication_id)

    enqueue_after_commit(db, link_publications.OWED_PUBLICATIONS, publish)
    return replace(tasks, publish_link=publish, sweep_links=sweep)


def publish_link(settings: Settings, db: Database, vault: Vault, publication_id: int) -> bool:
    """Write one owed link; True when the store has it. Raises a retryable StoreError."""
    with db.transaction() as session:
        owed = link_publications.owed_link(session, publication_id)
    if owed is None:
        return False
    client = admin_client(settings, db, vault, owed.shop)
    url = f"{settings.app_url}/r/{owed.referral_code}"
    try:
        write_referral_url(client, owed.platform_customer_id, url)
    except StoreError as error:
        retryable, reason = error.retryable, str(error)
        db.run(
            lambda s: link_publications.record_publication(
                s, publication_id, published=False, retryable=retryable, error=reason
            )
        )
        if retryable:
            raise
        log.warning("shop %s refused link %s: %s", owed.shop.shop_id, publication_id, reason)
        return False
    db.run(
        lambda s: link_publications.record_publication(
            s, publication_id, published=True, retryable=False, error=None
        )
    )
    return True
