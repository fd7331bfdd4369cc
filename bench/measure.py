"""Shared pieces of the benchmarks: percentiles, tables, machine details, a PostgreSQL server."""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import psycopg

from passiton.app import migrate
from tests.support.servers import start_postgres


def percentile(samples: Sequence[float], p: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def timed(work: Callable[[], object], repeat: int) -> list[float]:
    """Latencies in milliseconds of `repeat` sequential calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: Sequence[float]) -> str:
    return (
        f"p50 {percentile(samples, 50):7.2f} ms  p95 {percentile(samples, 95):7.2f} ms  "
        f"p99 {percentile(samples, 99):7.2f} ms  mean {statistics.fmean(samples):7.2f} ms"
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [list(map(str, headers))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def latency_table(
    first_header: str,
    baseline: tuple[str, Sequence[float]],
    measured: Sequence[tuple[str, Sequence[float]]],
    ratio_header: str = "p99 vs baseline",
) -> str:
    """Latency summaries, each row's p99 as a multiple of the baseline's p99."""
    base99 = percentile(baseline[1], 99)
    rows = [[baseline[0], summary(baseline[1]), "1.0x"]] + [
        [name, summary(samples), f"{percentile(samples, 99) / base99:.1f}x"]
        for name, samples in measured
    ]
    return table([first_header, "latency", ratio_header], rows)


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"nproc {os.cpu_count()}, memory {memory:.1f} GiB, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


@contextmanager
def postgres() -> Iterator[str]:
    """A temporary PostgreSQL (as the tests start it) with a migrated database; yields its URL."""
    server = start_postgres(Path(tempfile.mkdtemp(prefix="passiton-bench-pg-")))
    try:
        url = server.create_database("bench")
        migrate.upgrade(url)
        with psycopg.connect(
            f"host=127.0.0.1 port={server.port} user=postgres dbname=bench"
        ) as connection:
            version = connection.execute("SHOW server_version").fetchone()
        print(f"PostgreSQL {version[0] if version else '?'} (fsync off, as in the tests)")
        yield url
    finally:
        server.stop()
