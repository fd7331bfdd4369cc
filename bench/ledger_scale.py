"""Balance lookups and a dashboard aggregate on PostgreSQL with 1,000,000 ledger rows.

Rows are bulk-loaded with COPY (10,000 referrers x 100 entries each, across 10 shops). Baseline:
a `SELECT 1` round trip through the same engine. Run: `python -m bench.ledger_scale [--rows N]`.
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bench.measure import latency_table, machine, postgres, timed
from passiton.app.database import Database
from passiton.core.ledger import ledger_sums
from passiton.core.models import Customer, EntryKind, LedgerEntry, Platform
from passiton.core.services.shops import install_shop

SHOPS = 10
CUSTOMERS = 10_000
KINDS = [EntryKind.EARN, EntryKind.ADJUST, EntryKind.APPROVE, EntryKind.REDEEM]


def load(url: str, rows: int) -> list[int]:
    """Shops, customers and `rows` ledger entries with balances equal to their sums."""
    db = Database(url)
    with db.transaction() as session:
        shops = [
            install_shop(session, platform=Platform.FAKE, domain=f"s{i}.example").id
            for i in range(SHOPS)
        ]
    db.dispose()
    parsed = make_url(url)
    rng = random.Random(5)
    now = datetime.now(UTC)
    per_customer = rows // CUSTOMERS
    with psycopg.connect(
        f"host={parsed.host} port={parsed.port} user={parsed.username} dbname={parsed.database}"
    ) as connection:
        with connection.cursor().copy(
            "COPY customers (id, shop_id, email, email_key, referral_code, points_pending,"
            " points_available, link_visits, created_at) FROM STDIN"
        ) as copy:
            for c in range(1, CUSTOMERS + 1):
                email = f"c{c}@example.com"
                pending, available = per_customer * 100, per_customer * 50
                shop = shops[c % SHOPS]
                copy.write_row((c, shop, email, email, f"C{c:08d}", pending, available, 0, now))
        with connection.cursor().copy(
            "COPY ledger_entries (shop_id, customer_id, kind, pending_delta, available_delta,"
            " idem_key, created_at) FROM STDIN"
        ) as copy:
            for c in range(1, CUSTOMERS + 1):
                shop = shops[c % SHOPS]
                for n in range(per_customer):
                    at = now - timedelta(days=rng.randrange(0, 365))
                    kind = KINDS[n % len(KINDS)]
                    copy.write_row((shop, c, kind.value, 100, 50, f"bench:{c}:{n}", at))
        connection.execute("SELECT setval('customers_id_seq', %s)", (CUSTOMERS,))
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE customers")
        connection.execute("VACUUM ANALYZE ledger_entries")
    return shops


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    print(machine())
    with postgres() as url:
        shops = load(url, args.rows)
        db = Database(url)
        with db.sessions() as session:
            count = session.scalar(select(func.count()).select_from(LedgerEntry))
            print(f"ledger rows: {count}")
            rng = random.Random(9)
            since = datetime.now(UTC) - timedelta(days=30)

            def round_trip() -> None:
                session.execute(text("SELECT 1")).one()

            def stored_balance() -> None:
                session.execute(
                    select(Customer.points_pending, Customer.points_available).where(
                        Customer.id == rng.randint(1, CUSTOMERS)
                    )
                ).one()

            def ledger_balance() -> None:
                ledger_sums(session, rng.randint(1, CUSTOMERS))

            def dashboard() -> None:
                shop_id = rng.choice(shops)
                session.execute(
                    select(
                        func.count(),
                        func.sum(Customer.points_pending),
                        func.sum(Customer.points_available),
                    ).where(Customer.shop_id == shop_id)
                ).one()
                session.execute(
                    select(LedgerEntry.customer_id, func.sum(LedgerEntry.pending_delta))
                    .where(
                        LedgerEntry.shop_id == shop_id,
                        LedgerEntry.kind == EntryKind.EARN,
                        LedgerEntry.created_at >= since,
                    )
                    .group_by(LedgerEntry.customer_id)
                    .order_by(func.sum(LedgerEntry.pending_delta).desc())
                    .limit(10)
                ).all()

            for work in (round_trip, stored_balance, ledger_balance, dashboard):
                timed(work, 20)  # warm the cache and the connection
            baseline = timed(round_trip, args.repeat)
            stored = timed(stored_balance, args.repeat)
            summed = timed(ledger_balance, args.repeat)
            board = timed(dashboard, max(50, args.repeat // 20))
        db.dispose()
    print(
        latency_table(
            "query",
            ("SELECT 1 round trip (baseline)", baseline),
            [
                ("balance: stored on customer", stored),
                ("balance: ledger sum (100 rows)", summed),
                ("dashboard: shop totals + top 10 (30 d)", board),
            ],
            ratio_header="vs SELECT 1 (p99)",
        )
    )
    print("targets: balance p99 <= 5 ms, dashboard p95 <= 200 ms")


if __name__ == "__main__":
    main()
