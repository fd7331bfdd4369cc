"""Starting the test SMTP server (tests/support/smtp_sink.py) and reading what it received."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class SmtpSink:
    port: int
    folder: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def fail_next(self, *answers: str) -> None:
        """Answer the next DATA commands with these replies ("451 …", "550 …", "reset")."""
        (self.folder / "faults.json").write_text(json.dumps(list(answers)))

    def received(self) -> list[EmailMessage]:
        files = sorted((self.folder / "inbox").glob("*.eml"))
        return [
            message_from_bytes(f.read_bytes(), _class=EmailMessage, policy=policy.default)
            for f in files
        ]

    def clear(self) -> None:
        for f in (self.folder / "inbox").glob("*.eml"):
            f.unlink()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_smtp_sink(folder: Path, *, delay: float = 0.0) -> SmtpSink:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.smtp_sink",
            "--port",
            str(port),
            "--folder",
            str(folder),
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 20
    while not (folder / "ready").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the test SMTP server did not start")
        time.sleep(0.05)
    return SmtpSink(port=port, folder=folder, process=process)
