"""A task worker like `passiton worker`, but whose stores are the Redis-backed fake store.

Run as `python -m tests.faults.worker_entry` with the usual PASSITON_* variables plus
FAULT_STORE_URL (Redis URL of the fake store) and FAULT_STORE_DELAY (seconds per store call).
"""

from __future__ import annotations

import os

from passiton.app.config import load_settings
from passiton.app.runtime import build_runtime
from tests.faults.redis_store import RedisStoreDirectory


def main() -> None:
    stores = RedisStoreDirectory(
        os.environ["FAULT_STORE_URL"], delay=float(os.environ["FAULT_STORE_DELAY"])
    )
    runtime = build_runtime(load_settings(), stores=stores)
    consumer = runtime.huey.create_consumer(workers=2, worker_type="thread", periodic=False)
    consumer.run()


if __name__ == "__main__":
    main()
