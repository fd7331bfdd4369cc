"""A real SMTP server on loopback, in its own process, for the mail tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.smtp_server import SmtpSink, start_smtp_sink


@pytest.fixture
def smtp_sink(tmp_path: Path) -> Iterator[SmtpSink]:
    folder = tmp_path / "smtp"
    folder.mkdir()
    sink = start_smtp_sink(folder)
    yield sink
    sink.stop()
