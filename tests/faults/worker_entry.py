"""A task worker like `passiton worker`, without the periodic jobs (tests run those themselves).

Run as `python -m tests.faults.worker_entry` with the usual PASSITON_* variables. With
FAULT_STORE_URL (Redis URL of the fake store) and FAULT_STORE_DELAY (seconds per store call) its
stores are the Redis-backed fake store; without them, the real platform stores.
"""

from __future__ import annotations

import os

from passiton.app.config import load_settings
from passiton.app.runtime import build_runtime
from tests.faults.redis_store import RedisStoreDirectory


def main() -> None:
    store_url = os.environ.get("FAULT_STORE_URL")
    stores = (
        RedisStoreDirectory(store_url, delay=float(os.environ.get("FAULT_STORE_DELAY", "0")))
        if store_url
        else None
    )
    runtime = build_runtime(load_settings(), stores=stores)
    workers = int(os.environ.get("FAULT_WORKERS", "2"))
    consumer = runtime.huey.create_consumer(workers=workers, worker_type="thread", periodic=False)
    consumer.run()


if __name__ == "__main__":
    main()
