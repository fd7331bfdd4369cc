"""How long `serve` waits before restarting a task worker that keeps dying."""

from __future__ import annotations

import pytest

from passiton.app.serving.supervisor import BACKOFF_MAX, restart_delay


@pytest.mark.parametrize(
    ("quick_deaths", "delay"),
    [(1, 1.0), (2, 2.0), (3, 4.0), (5, 16.0), (6, BACKOFF_MAX), (50, BACKOFF_MAX)],
)
def test_restart_delay_doubles_after_each_quick_death_up_to_a_ceiling(
    quick_deaths: int, delay: float
) -> None:
    assert restart_delay(quick_deaths) == delay
