"""The WooCommerce key grant tasks on Huey: verify a grant, revoke a replaced key, sweep.

The work is in `woocommerce_grants`; here it is only put on the queue. Every task acts only on a
grant still in the state it expects, so a retried, duplicated or swept-again task converges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from huey import crontab
from huey.api import Huey, Task

from passiton.app.platforms import woocommerce_grants as grants
from passiton.app.tasks.jobs import Tasks

VERIFY_RETRIES = 5
REVOKE_RETRIES = 5


@dataclass(frozen=True)
class GrantTasks:
    verify: Any
    revoke: Any
    sweep: Any


def register_grant_tasks(huey: Huey, keeper: grants.GrantKeeper, tasks: Tasks) -> GrantTasks:
    """The verify and revoke tasks, and the sweep that re-finds those whose task was lost.

    A linked store's first work (webhooks, friend pool, facts) is queued with `tasks`.
    """

    @huey.task(
        name="verify_woocommerce_grant",
        retries=VERIFY_RETRIES,
        retry_delay=10,
        retry_backoff=2,
        context=True,
    )
    def verify_grant(request_id: int, task: Task | None = None) -> bool:
        last_try = task is None or task.retries == 0
        linked = grants.verify_grant(keeper, request_id, last_try=last_try)
        if linked is None:
            return False
        tasks.register_webhooks(linked.shop_id)
        tasks.refill_pool(linked.shop_id)
        tasks.refresh_shop_facts(linked.shop_id)
        if linked.revoke_old_key:
            revoke_old_key(request_id)
        return True

    @huey.task(
        name="revoke_woocommerce_key",
        retries=REVOKE_RETRIES,
        retry_delay=30,
        retry_backoff=2,
        context=True,
    )
    def revoke_old_key(request_id: int, task: Task | None = None) -> str:
        last_try = task is None or task.retries == 0
        status = grants.revoke_old_key(keeper, request_id, last_try=last_try)
        return status.value if status is not None else ""

    @huey.periodic_task(crontab(minute="*"), name="sweep_woocommerce_grants")
    def sweep_grants() -> None:
        to_verify, to_revoke = grants.unfinished_grants(keeper, datetime.now(UTC))
        for request_id in to_verify:
            verify_grant(request_id)
        for request_id in to_revoke:
            revoke_old_key(request_id)

    return GrantTasks(verify=verify_grant, revoke=revoke_old_key, sweep=sweep_grants)
