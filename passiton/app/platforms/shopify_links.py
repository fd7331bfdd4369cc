"""Writing buyers' referral links to their Shopify customer records: the task and its sweep.

Enrolment owes the link (a `link_publications` row in its transaction); after the commit a
task writes the metafield, outside any transaction; the sweep re-finds links a lost task left.
Throttling is waited out by the Admin client like every other call; what is still retryable
after that is tried again by the queue, a refusal (no write_customers grant, a deleted
customer) is recorded and not retried.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from huey import crontab

from passiton.app.platforms.shopify import shopify_admin_client
from passiton.app.tasks.after_commit import enqueue_after_commit
from passiton.connectors.shopify.customer_links import write_referral_url
from passiton.core.ports import StoreError
from passiton.core.services import link_publications

if TYPE_CHECKING:
    from passiton.app.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinkTasks:
    publish: Any
    sweep: Any


def install_link_publishing(runtime: Runtime) -> None:
    tasks = _register(runtime)
    runtime.tasks = replace(runtime.tasks, publish_link=tasks.publish, sweep_links=tasks.sweep)
    enqueue_after_commit(runtime.db, link_publications.OWED_PUBLICATIONS, tasks.publish)


def publish_link(runtime: Runtime, publication_id: int) -> bool:
    """Write one owed link; True when the store has it. Raises a retryable StoreError."""
    db, settings = runtime.db, runtime.settings
    with db.transaction() as session:
        owed = link_publications.owed_link(session, publication_id)
    if owed is None:
        return False
    client = shopify_admin_client(settings, db, runtime.vault, owed.shop)
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


def _register(runtime: Runtime) -> LinkTasks:
    huey, db = runtime.huey, runtime.db

    @huey.task(
        name="publish_link",
        retries=link_publications.MAX_ATTEMPTS,
        retry_delay=30,
        retry_backoff=2,
    )
    def publish(publication_id: int) -> bool:
        return publish_link(runtime, publication_id)

    @huey.periodic_task(crontab(minute="*/5"), name="sweep_links")
    def sweep() -> None:
        with db.transaction() as session:
            owed = link_publications.owed_publications(session)
        for publication_id in owed:
            publish(publication_id)

    return LinkTasks(publish=publish, sweep=sweep)
