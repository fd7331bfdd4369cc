"""Engine and sessions. SQLite gets WAL, foreign keys and writes that take the lock up front."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from passiton.core.services.compliance import ERASED
from passiton.core.suppression import HASHER, IdentityHasher

T = TypeVar("T")
RETRIES = 5


def make_engine(url: str, **kwargs: Any) -> Engine:
    # A failed statement's parameters are customers' addresses and names; its error reaches
    # logs and, from a task that fails for good, the queue's stored results. PostgreSQL's
    # own DETAIL line (the conflicting key) is part of the driver's message and still shows.
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        create_private_file(Path(parsed.database))
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
    _tune_sqlite(engine)
    return engine


def create_private_file(path: Path) -> None:
    """Create `path` (and its folder) readable by its owner only, unless it exists.

    The file holds customers' personal data. SQLite creates its -wal and -shm files with the
    main file's permissions, so the mode set here covers them too.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, say when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Erased rows are overwritten with zeros instead of lingering in free pages (some
        # builds, Debian's among them, do this by default; others do not).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes can fail with "database is
        # locked" when another writer got in between; taking the write lock up front makes
        # concurrent writers queue instead (SQLite's own advice for WAL mode).
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One engine and its session factory, created by the composition root."""

    def __init__(self, url: str, *, hasher: IdentityHasher | None = None, **kwargs: Any) -> None:
        """`hasher` keys the hashes kept of redacted people; the runtime derives it from the
        secret key. Without one (tests, benchmarks, one-off tools) a random key serves this
        Database only: its hashes are not recognised by another process or after a restart.
        """
        self.url = url
        self.engine = make_engine(url, **kwargs)
        self.hasher = hasher or IdentityHasher(secrets.token_bytes(32))
        self.sessions: sessionmaker[Session] = sessionmaker(
            self.engine, expire_on_commit=False, info={HASHER: self.hasher}
        )
        self._committed_work: dict[str, Callable[[set[int]], None]] = {}
        event.listen(self.sessions, "after_commit", self._after_commit)
        event.listen(self.sessions, "after_rollback", self._after_rollback)

    def on_commit(self, key: str, callback: Callable[[set[int]], None]) -> None:
        """Call `callback` with the ids a transaction gathered in `session.info[key]`, once
        it has committed (work owed to the outside, e.g. a task to enqueue per row)."""
        self._committed_work[key] = callback

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(ERASED, False) and self.engine.dialect.name == "sqlite":
            self.checkpoint_log()
        for key, callback in self._committed_work.items():
            ids = session.info.pop(key, None)
            if ids:
                callback(set(ids))

    def _after_rollback(self, session: Session) -> None:
        # Rows written by a rolled-back transaction do not exist: nothing is owed for them.
        for key in self._committed_work:
            session.info.pop(key, None)

    def checkpoint_log(self) -> None:
        """Copy SQLite's write-ahead log into the database file and empty it.

        Until then the log keeps the pages as they were before an erasure. A reader still
        holding an older snapshot makes this a partial checkpoint; the frames it leaves are
        overwritten by later writes.
        """
        # On the driver's connection: SQLAlchemy's would open a transaction (see _on_begin),
        # and a checkpoint cannot run inside one.
        connection = self.engine.raw_connection()
        try:
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        finally:
            connection.close()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions() as session, session.begin():
            yield session

    def run(self, work: Callable[[Session], T]) -> T:
        """Run `work` in a transaction, retrying when a concurrent writer won a race.

        Unique constraints decide races (idempotency keys, one referral per friend); the loser
        rolls back and re-runs against the state the winner committed.
        """
        for attempt in range(RETRIES):
            try:
                with self.transaction() as session:
                    return work(session)
            except (IntegrityError, OperationalError) as error:
                if attempt == RETRIES - 1 or not _is_race(error):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def run_statement(self, work: Callable[[Session], T]) -> T:
        """Run `work`, a single statement, without BEGIN and COMMIT on PostgreSQL.

        One statement is atomic by itself there, and skipping the two extra round trips
        matters on the webhook path. SQLite (a local file) runs it in a transaction as usual.
        """
        if self.engine.dialect.name != "postgresql":
            return self.run(work)
        with self.engine.connect() as connection:
            alone = connection.execution_options(isolation_level="AUTOCOMMIT")
            with Session(bind=alone, info={HASHER: self.hasher}) as session:
                return work(session)

    def dispose(self) -> None:
        self.engine.dispose()


def _is_race(error: IntegrityError | OperationalError) -> bool:
    if isinstance(error, IntegrityError):
        return "unique" in str(error.orig).lower() or "duplicate" in str(error.orig).lower()
    text = str(error.orig).lower()
    return any(s in text for s in ("deadlock", "could not serialize", "database is locked"))
