"""The daily pruning: what each retention setting keeps and what goes; the ledger never goes.

Runs on SQLite and on the real PostgreSQL, through the periodic job the worker schedules.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passiton.app.config import ConfigError, KeepDays, load_settings
from passiton.app.runtime import Runtime
from passiton.core.merchants import LoginFailure
from passiton.core.models import (
    DataExport,
    EntryKind,
    LedgerEntry,
    LinkVisitDay,
    Platform,
    WebhookDelivery,
)
from passiton.core.services.retention import RetentionPolicy, prune
from passiton.core.services.shops import install_shop
from tests.conftest import RuntimeFactory
from tests.support.builders import make_referrer

NOW = datetime.now(UTC)


def days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def seed(runtime: Runtime) -> None:
    shop_id = runtime.db.run(
        lambda s: install_shop(s, platform=Platform.FAKE, domain="keep-shop.example").id
    )
    referrer = make_referrer(runtime.db, shop_id)

    def rows(session: Session) -> None:
        session.add_all(
            [
                _delivery(shop_id, "applied-long-ago", received=100, applied=40),
                _delivery(shop_id, "applied-recently", received=11, applied=10),
                _delivery(shop_id, "never-applied", received=100, applied=None),
                LinkVisitDay(shop_id=shop_id, day=days_ago(500).date(), visits=3),
                LinkVisitDay(shop_id=shop_id, day=days_ago(300).date(), visits=4),
                LoginFailure(email_key="k-old", ip="192.0.2.1", failed_at=days_ago(40)),
                LoginFailure(email_key="k-new", ip="192.0.2.2", failed_at=days_ago(5)),
                DataExport(shop_id=shop_id, payload={"n": "old"}, requested_at=days_ago(40)),
                DataExport(shop_id=shop_id, payload={"n": "new"}, requested_at=days_ago(5)),
                LedgerEntry(
                    shop_id=shop_id,
                    customer_id=referrer.id,
                    kind=EntryKind.ADJUST,
                    idem_key="ancient-credit",
                    created_at=days_ago(4000),
                ),
            ]
        )

    runtime.db.run(rows)


def _delivery(shop_id: int, key: str, *, received: int, applied: int | None) -> WebhookDelivery:
    return WebhookDelivery(
        platform=Platform.FAKE,
        shop_id=shop_id,
        delivery_key=key,
        topic="orders/paid",
        received_at=days_ago(received),
        applied_at=None if applied is None else days_ago(applied),
    )


def remaining(runtime: Runtime) -> dict[str, object]:
    with runtime.db.sessions() as session:
        return {
            "deliveries": sorted(session.scalars(select(WebhookDelivery.delivery_key))),
            "visit_days": sorted(session.scalars(select(LinkVisitDay.visits))),
            "login_failures": sorted(session.scalars(select(LoginFailure.email_key))),
            "exports": sorted(e["n"] for e in session.scalars(select(DataExport.payload))),
            "ledger": session.scalar(select(func.count()).select_from(LedgerEntry)),
        }


def test_the_daily_job_prunes_by_the_default_retention_and_keeps_the_ledger(
    make_runtime: RuntimeFactory, database_url: str
) -> None:
    runtime = make_runtime(database_url)
    seed(runtime)
    ledger_before = remaining(runtime)["ledger"]

    runtime.tasks.prune_old_records.call_local()

    assert remaining(runtime) == {
        "deliveries": ["applied-recently", "never-applied"],
        "visit_days": [4],
        "login_failures": ["k-new"],
        "exports": ["new"],
        "ledger": ledger_before,
    }


def test_longer_settings_keep_more(make_runtime: RuntimeFactory, database_url: str) -> None:
    runtime = make_runtime(
        database_url,
        keep_days=KeepDays(
            webhook_deliveries=60, link_visits=600, login_failures=60, data_exports=60
        ),
    )
    seed(runtime)
    before = remaining(runtime)

    runtime.tasks.prune_old_records.call_local()

    assert remaining(runtime) == before


def test_a_delivery_is_kept_past_the_platforms_retries_whatever_the_setting(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime = make_runtime(sqlite_url)
    seed(runtime)
    policy = RetentionPolicy(webhook_deliveries=timedelta(0))

    removed = runtime.db.run(lambda s: prune(s, policy, NOW - timedelta(days=9)))

    # 10 days ago is 1 day old as of "now" here, inside the 2-day floor.
    assert removed["webhook_deliveries"] == 1
    assert remaining(runtime)["deliveries"] == ["applied-recently", "never-applied"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PASSITON_KEEP_DELIVERIES_DAYS", "1"),
        ("PASSITON_KEEP_LINK_VISITS_DAYS", "0"),
        ("PASSITON_KEEP_DATA_EXPORTS_DAYS", "a month"),
    ],
)
def test_a_retention_below_its_floor_or_not_a_number_is_refused(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_settings({"PASSITON_SECRET_KEY": "k", variable: value})


def test_retention_settings_are_read_from_the_environment() -> None:
    settings = load_settings({"PASSITON_SECRET_KEY": "k", "PASSITON_KEEP_DELIVERIES_DAYS": "14"})
    assert settings.keep_days == KeepDays(webhook_deliveries=14)
