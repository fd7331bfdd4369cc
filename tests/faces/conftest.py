"""Fixtures shared by the tests of what people see."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from passiton.app.factory import create_app
from tests.conftest import RuntimeFactory
from tests.faces.live_server import LiveApp, serve


@pytest.fixture
def live(make_runtime: RuntimeFactory, sqlite_url: str) -> Iterator[LiveApp]:
    runtime = make_runtime(sqlite_url)
    with serve(runtime, create_app(runtime=runtime)) as served:
        yield served
