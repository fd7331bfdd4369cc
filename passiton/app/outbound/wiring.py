"""Wiring the merchant's webhooks into the runtime: the sender, its tasks and the sweep."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from huey import crontab
from huey.exceptions import TaskLockedException

from passiton.app.outbound.sender import HookSender
from passiton.app.tasks.after_commit import enqueue_after_commit
from passiton.core.services import outbound_hooks

if TYPE_CHECKING:
    from passiton.app.runtime import Runtime

SWEEP_BATCH = 500


@dataclass(frozen=True)
class HookTasks:
    send: Any
    sweep: Any


def install_outbound_hooks(runtime: Runtime) -> None:
    """Register the send task and its sweep; enqueue a send for each delivery once committed."""
    settings = runtime.settings
    sender = HookSender(
        runtime.db,
        runtime.vault,
        settings.app_url,
        allow_private=settings.hooks_allow_private,
    )
    runtime.hook_sender = sender
    tasks = _register(runtime, sender)
    runtime.tasks = replace(runtime.tasks, send_hook=tasks.send, sweep_hooks=tasks.sweep)
    enqueue_after_commit(runtime.db, outbound_hooks.OWED_DELIVERIES, tasks.send)


def _register(runtime: Runtime, sender: HookSender) -> HookTasks:
    huey, db = runtime.huey, runtime.db

    @huey.task(name="send_hook")
    def send_hook(delivery_id: int) -> None:
        try:
            # One sender per delivery at a time: the task and the sweep may both find it.
            with huey.lock_task(f"hook-{delivery_id}"):
                # Read at run time: tests hand the runtime a sender with their own HTTP session.
                assert runtime.hook_sender is not None
                runtime.hook_sender.send(delivery_id)
        except TaskLockedException:
            return

    @huey.periodic_task(crontab(minute="*"), name="sweep_hooks")
    def sweep_hooks() -> None:
        # Retries wait in the database (next_attempt_at), not in the queue: a worker restart
        # loses nothing, and this sweep is what sends them when they fall due.
        with db.transaction() as session:
            due = outbound_hooks.due_deliveries(session, datetime.now(UTC), SWEEP_BATCH)
        for delivery_id in due:
            send_hook(delivery_id)

    return HookTasks(send=send_hook, sweep=sweep_hooks)
