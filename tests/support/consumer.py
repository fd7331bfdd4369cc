"""A real Huey consumer running in the test's process, for as long as a `with` block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from passiton.app.runtime import Runtime


@contextmanager
def consumer(runtime: Runtime) -> Iterator[None]:
    """Two worker threads take tasks from the runtime's queue until the block ends."""
    worker = runtime.huey.create_consumer(workers=2, worker_type="thread", periodic=False)
    worker.start()
    try:
        yield
    finally:
        worker.stop(graceful=True)
