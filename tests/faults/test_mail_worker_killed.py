"""A mail worker killed with SIGKILL while it sends a batch through a slow SMTP server.

A new worker and the mail sweep finish the job: every message reaches the server, and only
messages that were being sent at the moment of the kill (the window between the server's
250 and our commit) may reach it twice, with the same Message-ID.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from passiton.app.runtime import Runtime
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import EmailMessage, MessageKind, MessageStatus
from passiton.core.services.outbox import queue_message
from tests.conftest import RuntimeFactory
from tests.faults.processes import ROOT, child_env
from tests.support.builders import make_shop
from tests.support.servers import RedisServer
from tests.support.smtp_server import start_smtp_sink

MESSAGES = 16
WORKERS = 2
DELAY = 0.3


def test_killed_mail_worker_loses_nothing_and_repeats_only_the_crash_window(
    make_runtime: RuntimeFactory, pg_url: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    sink_folder = tmp_path / "smtp"
    sink_folder.mkdir()
    sink = start_smtp_sink(sink_folder, delay=DELAY)
    try:
        runtime = make_runtime(
            pg_url, queue_url=redis_server.url, immediate_tasks=False, smtp_url=sink.url
        )
        runtime.huey.flush()
        ids = _queued_messages(runtime)
        for message_id in ids:
            runtime.tasks.send_mail(message_id)
        env = {
            "PASSITON_DATABASE_URL": pg_url,
            "PASSITON_QUEUE_URL": redis_server.url,
            "PASSITON_SECRET_KEY": "fault-secret-key",
            "PASSITON_VAR_DIR": str(tmp_path / "var"),
            "PASSITON_SMTP_URL": sink.url,
            "FAULT_WORKERS": str(WORKERS),
        }

        first = _worker(env)
        try:
            _wait(lambda: len(sink.received()) >= 4, "the first worker to send some messages")
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        in_flight = _sending(runtime)
        assert 0 < len(sink.received()) < MESSAGES
        assert len(in_flight) <= WORKERS

        # The dead worker's leases run out (LEASE later); the sweep hands its messages on.
        with runtime.db.transaction() as session:
            session.execute(
                update(EmailMessage)
                .where(EmailMessage.status == MessageStatus.SENDING)
                .values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
            )
        second = _worker(env)
        try:
            deadline = time.monotonic() + 90
            while _unsent(runtime) and time.monotonic() < deadline:
                runtime.tasks.sweep_mail.call_local()  # what the scheduler runs every minute
                time.sleep(1.0)
        finally:
            second.send_signal(signal.SIGINT)
            second.wait(timeout=30)
        runtime.huey.flush()

        assert _unsent(runtime) == 0
        with runtime.db.sessions() as session:
            rows = session.execute(select(EmailMessage.message_id, EmailMessage.status)).all()
        assert {status for _, status in rows} == {MessageStatus.SENT}
        received = Counter(
            str(m["Message-ID"]).strip("<>").partition("@")[0] for m in sink.received()
        )
        assert set(received) == {message_id for message_id, _ in rows}
        repeated = {message_id for message_id, count in received.items() if count > 1}
        assert repeated <= in_flight
        assert max(received.values()) <= 2
    finally:
        sink.stop()


def _local_part(message_id: object) -> str:
    return str(message_id).strip("<>").partition("@")[0]


def _queued_messages(runtime: Runtime) -> list[int]:
    shop_id = make_shop(runtime.db, FakeStoreDirectory())
    ids = []
    with runtime.db.transaction() as session:
        for i in range(MESSAGES):
            message = queue_message(
                session,
                shop_id=shop_id,
                kind=MessageKind.TEST,
                to=f"person{i}@example.com",
                event_key=f"batch:{i}",
                locale=None,
                context={},
            )
            assert message is not None
            ids.append(message.id)
    return ids


def _sending(runtime: Runtime) -> set[str]:
    with runtime.db.sessions() as session:
        return set(
            session.scalars(
                select(EmailMessage.message_id).where(EmailMessage.status == MessageStatus.SENDING)
            )
        )


def _unsent(runtime: Runtime) -> int:
    with runtime.db.sessions() as session:
        return len(
            session.scalars(
                select(EmailMessage.id).where(EmailMessage.status != MessageStatus.SENT)
            ).all()
        )


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.faults.worker_entry"],
        env=child_env(env),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
