"""The companion plugin's pure PHP functions, called from tests through php-cli (no WordPress)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

PLUGIN = Path(__file__).resolve().parents[2] / "manifest" / "woocommerce" / "passiton"
HARNESS = Path(__file__).with_name("php") / "plugin_functions.php"


def php_binary() -> str:
    """php-cli; its absence fails the test run (scripts/test installs it), it never skips."""
    php = shutil.which("php")
    assert php is not None, "php-cli is required to test the companion plugin"
    return php


def php_calls(*calls: tuple[str, list[Any]]) -> list[Any]:
    """Run each `(function, args)` in one PHP process; any PHP notice or warning fails."""
    result = subprocess.run(
        [php_binary(), "-d", "display_errors=stderr", "-d", "error_reporting=-1", str(HARNESS)],
        input=json.dumps([[name, args] for name, args in calls]),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stderr == "", result.stderr
    answers = json.loads(result.stdout)
    assert isinstance(answers, list)
    return answers


def php(function: str, *args: Any) -> Any:
    """One plugin function's result, e.g. `php("passiton_clean_code", "anna-7k2q")`."""
    return php_calls((function, list(args)))[0]
