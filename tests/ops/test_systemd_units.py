"""The systemd units in deploy/systemd/ load cleanly and are hardened, per `systemd-analyze`.

The units name /opt/passiton/.venv/bin/passiton; `verify` checks that the command exists, so the
copies checked here point at this environment's `passiton` instead (and nothing else changes).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
INSTALLED = "/opt/passiton/.venv/bin/passiton"
EXPOSURE_AT_MOST = 20
"""`systemd-analyze security` exposure, in tenths (2.0 of 10; an unhardened service is 9.6)."""


@pytest.fixture
def unit_dir(tmp_path: Path) -> Path:
    passiton = Path(sys.executable).with_name("passiton")
    assert passiton.is_file()
    for unit in UNITS.glob("*.service"):
        text = unit.read_text()
        assert INSTALLED in text
        (tmp_path / unit.name).write_text(text.replace(INSTALLED, str(passiton)))
    return tmp_path


def analyze(unit_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    analyzer = shutil.which("systemd-analyze")
    assert analyzer, "systemd-analyze is missing (scripts/test installs Debian's systemd)"
    return subprocess.run(
        [analyzer, *args],
        cwd=unit_dir,
        env={**os.environ, "SYSTEMD_UNIT_PATH": f"{unit_dir}:"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_web_scheduler_and_extra_worker_units_verify_without_a_warning(
    unit_dir: Path,
) -> None:
    result = analyze(
        unit_dir,
        "verify",
        "--man=no",
        "passiton-web.service",
        "passiton-worker.service",
        "passiton-worker@1.service",
    )
    # A directive systemd cannot parse is only a warning (exit 0): the output must be empty too.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_verify_catches_a_mistyped_hardening_directive(unit_dir: Path) -> None:
    web = unit_dir / "passiton-web.service"
    web.write_text(web.read_text().replace("ProtectSystem=strict", "ProtectSystem=strictest"))

    result = analyze(unit_dir, "verify", "--man=no", "passiton-web.service")

    assert "protect system value" in result.stderr


@pytest.mark.parametrize(
    "unit", ["passiton-web.service", "passiton-worker.service", "passiton-worker@.service"]
)
def test_each_unit_is_hardened(unit_dir: Path, unit: str) -> None:
    text = (unit_dir / unit).read_text()
    for directive in (
        "User=passiton",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/passiton",
        "PrivateTmp=yes",
        "EnvironmentFile=/etc/passiton/passiton.env",
    ):
        assert f"\n{directive}\n" in text, directive
    name = unit.replace("@.", "@1.")
    result = analyze(
        unit_dir, "security", "--offline=true", f"--threshold={EXPOSURE_AT_MOST}", name
    )
    assert result.returncode == 0, result.stdout[-400:]


def test_exactly_one_unit_schedules_the_periodic_jobs(unit_dir: Path) -> None:
    def command(unit: str) -> str:
        lines = (unit_dir / unit).read_text().splitlines()
        return next(line for line in lines if line.startswith("ExecStart="))

    assert "serve --no-worker" in command("passiton-web.service")
    assert "worker" in command("passiton-worker.service")
    assert "--no-scheduler" not in command("passiton-worker.service")
    assert command("passiton-worker@.service").endswith("--no-scheduler")
    assert (unit_dir / "passiton-worker.service").read_text().count("KillSignal=SIGINT") == 1
