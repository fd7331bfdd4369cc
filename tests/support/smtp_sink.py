"""A real SMTP server for the tests, run as its own process: `python -m tests.support.smtp_sink`.

aiosmtpd on loopback. Each message it accepts is written to the inbox folder as a numbered
`.eml` file (the envelope's recipients in `X-Envelope-To`). A fault script (a JSON list in
`faults.json` beside the inbox) decides the answers to the next DATA commands: an SMTP reply
line such as "451 4.3.0 Try later" or "550 5.1.1 No such user", or "reset" to drop the
connection without an answer. `--delay` makes every DATA take that many seconds before the
message is stored and answered, so a test can kill a sender mid-batch.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import threading
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder: Path, delay: float = 0.0) -> None:
        self.delay = delay
        self.inbox = folder / "inbox"
        self.faults = folder / "faults.json"
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        fault = self._next_fault()
        if fault == "reset":
            server.transport.abort()
            return "421 4.3.0 Connection dropped"
        if fault is not None:
            return fault
        self.count += 1
        content = envelope.original_content or envelope.content
        header = f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n".encode()
        (self.inbox / f"{self.count:05d}.eml").write_bytes(header + content)
        return "250 2.0.0 Message accepted"

    def _next_fault(self) -> str | None:
        if not self.faults.exists():
            return None
        script = json.loads(self.faults.read_text())
        if not script:
            return None
        self.faults.write_text(json.dumps(script[1:]))
        return str(script[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    controller = Controller(Sink(args.folder, args.delay), hostname="127.0.0.1", port=args.port)
    controller.start()
    (args.folder / "ready").write_text("ready")
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
