"""Shoppers behind the app proxy: points granted to them, and their signed requests."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passiton.app.runtime import Runtime
from passiton.core import ledger
from passiton.core.models import Customer, EntryKind, LedgerEntry, RewardCode
from passiton.core.services.enrolment import Buyer, enrol
from tests.shopify.app_requests import proxy_query

OTHER_SHOP = "bert-boots.myshopify.com"
ANNA = "7001"
BEN = "7002"


def give_points(runtime: Runtime, shop_id: int, customer: str, points: int) -> int:
    """Enrol `customer` and grant them `points` available; their customer row id."""

    def work(session: Session) -> int:
        found = enrol(session, shop_id, Buyer(customer_id=customer, email=None))
        assert found is not None
        if points:
            ledger.post(
                session,
                shop_id=shop_id,
                customer_id=found.id,
                kind=EntryKind.ADJUST,
                key=f"test-grant:{customer}",
                available=points,
            )
        return found.id

    return runtime.db.run(work)


def balance(runtime: Runtime, customer_id: int) -> int:
    with runtime.db.sessions() as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        return customer.points_available


def written_rows(runtime: Runtime) -> tuple[int, int, int]:
    """How many customers, ledger entries and reward codes exist."""
    with runtime.db.sessions() as session:

        def count(model: type[Any]) -> int:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

        return count(Customer), count(LedgerEntry), count(RewardCode)


def widget(web: FlaskClient, query: str) -> tuple[int, Any]:
    response = web.get(f"/proxy/widget.json?{query}")
    return response.status_code, response.get_json()


def spend(web: FlaskClient, body: Any, *, query: str = "") -> tuple[int, Any]:
    response = web.post(f"/proxy/redeem?{query or proxy_query()}", json=body)
    return response.status_code, response.get_json()
