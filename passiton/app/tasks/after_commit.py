"""Enqueue a task per row a transaction owed to the outside, once that transaction committed."""

from __future__ import annotations

import logging
from typing import Any

from passiton.app.database import Database

log = logging.getLogger(__name__)


def enqueue_after_commit(db: Database, key: str, task: Any) -> None:
    """After each commit, call `task(row_id)` for the ids gathered in `session.info[key]`."""

    def enqueue(row_ids: set[int]) -> None:
        for row_id in sorted(row_ids):
            try:
                task(row_id)
            except Exception:
                # The row is committed and owed: the task's sweep finds it. The business
                # transaction that wrote it must not look failed because the queue was not
                # reachable this once.
                log.exception("could not enqueue %s for row %s", key, row_id)

    db.on_commit(key, enqueue)
