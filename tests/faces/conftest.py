"""Fixtures shared by the tests of what people see."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # core.ledger.post flushes one object with Session.flush([entry]), which SQLAlchemy 2
    # deprecates; these tests post ledger entries only as set-up, so the warning is not theirs.
    for item in items:
        if "tests/faces/" in str(item.path):
            item.add_marker(
                pytest.mark.filterwarnings(
                    "ignore:The `objects` parameter of `Session.flush` is deprecated"
                )
            )
