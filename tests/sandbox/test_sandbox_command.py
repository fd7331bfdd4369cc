"""`passiton sandbox` end to end: the real app and connectors against the sandbox store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from passiton.app import sandbox_command as command
from passiton.app.cli import main


def run(tmp_path: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["sandbox", "--var-dir", str(tmp_path), *extra])
    return result.exit_code, result.output


def test_the_sandbox_run_prints_each_step_and_the_expected_balances(tmp_path: Path) -> None:
    code, output = run(tmp_path)
    assert code == 0, output
    assert "1. The merchant installs Passiton" in output
    assert "50 single-use codes under 1 shared discount" in output
    assert "Anna's points: 2000 pending, 0 available." in output
    assert "Anna's points: 1000 pending, 0 available." in output
    assert "balance Anna: 0 pending, 500 available" in output
    assert "friend codes created on the store: 50" in output
    assert "faults injected: 0 (none)" in output
    assert output.rstrip().endswith("All expectations held.")
    assert (tmp_path / "passiton.db").is_file()


def test_with_faults_the_run_still_converges(tmp_path: Path) -> None:
    code, output = run(tmp_path, "--faults", "--seed", "7")
    assert code == 0, output
    assert "Faults on: 20% of store calls fail" in output
    assert "balance Anna: 0 pending, 500 available" in output
    # Seed 7 makes the store fail calls and lose webhooks; the catch-up still got there.
    assert "faults injected: 0" not in output
    assert "dropped: 0" not in output
    assert "All expectations held." in output


def test_a_store_that_always_fails_makes_the_run_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(command, "FAULT_RATE", 1.0)
    code, output = run(tmp_path, "--faults")
    assert code == 1
    assert "expectation failed" in output
