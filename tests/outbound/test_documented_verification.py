"""The verification examples in docs/webhooks.md accept what Passiton signs, and only that."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from passiton.app.outbound.signature import signature

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
SECRET = "whsec_documented"
BODY = b'{"id":"e1","type":"test"}'


def _example(language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert found is not None
    return found.group(1)


def test_the_python_example_verifies_a_passiton_signature() -> None:
    namespace: dict[str, Any] = {}
    exec(_example("python"), namespace)  # noqa: S102 - our own documentation's example
    verified = namespace["verified"]
    stamp = int(time.time())
    signed = signature(SECRET, stamp, BODY)

    assert verified(SECRET, BODY, str(stamp), signed)
    assert not verified(SECRET, BODY + b" ", str(stamp), signed)
    assert not verified("whsec_other", BODY, str(stamp), signed)
    assert not verified(SECRET, BODY, str(stamp - 3600), signature(SECRET, stamp - 3600, BODY))


def test_the_php_example_verifies_a_passiton_signature(tmp_path: Path) -> None:
    php = shutil.which("php")
    assert php is not None, "php-cli is needed for this test"
    stamp = int(time.time())
    script = tmp_path / "verify.php"
    script.write_text(
        "<?php\n"
        + _example("php")
        + "\n$args = json_decode(stream_get_contents(STDIN), true);\n"
        + "echo passiton_verified($args[0], $args[1], $args[2], $args[3]) ? 'yes' : 'no';\n"
    )

    def run(secret: str, body: str, signed: str) -> str:
        answer = subprocess.run(
            [php, str(script)],
            input=json.dumps([secret, body, str(stamp), signed]),
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        return answer.stdout

    signed = signature(SECRET, stamp, BODY)
    assert run(SECRET, BODY.decode(), signed) == "yes"
    assert run(SECRET, BODY.decode() + " ", signed) == "no"
    assert run("whsec_other", BODY.decode(), signed) == "no"
