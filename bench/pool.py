"""Store API calls per 1,000 friend codes: the pool fills in bulk batches.

Baseline: one create call per code, as a naive implementation would make (1,000 calls).
Run: `python -m bench.pool`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.measure import machine, table
from passiton.app import migrate
from passiton.app.database import Database
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import FriendCode, FriendCodeStatus, Platform
from passiton.core.services import friend_pool
from passiton.core.services.shops import install_shop

CODES = 1000


def main() -> None:
    print(machine())
    path = Path(tempfile.mkdtemp(prefix="passiton-bench-")) / "pool.db"
    migrate.upgrade(f"sqlite:///{path}")
    db = Database(f"sqlite:///{path}")
    stores = FakeStoreDirectory()
    with db.transaction() as session:
        shop_id = install_shop(session, platform=Platform.FAKE, domain="bench.example").id
        friend_pool.reserve_codes(session, shop_id, target=CODES)
    made = friend_pool.fill_pool(db.sessions, stores, shop_id)
    with db.sessions() as session:
        available = session.query(FriendCode).filter_by(status=FriendCodeStatus.AVAILABLE).count()
    calls = sum(s.calls for s in stores.stores.values())
    db.dispose()
    assert made == available == CODES, (made, available)
    print(
        table(
            ["approach", "store calls per 1,000 codes", "vs baseline"],
            [
                ["one call per code (baseline)", CODES, "100%"],
                ["Passiton fill_pool (bulk batches)", calls, f"{calls / CODES:.1%}"],
            ],
        )
    )
    print("target: <= 10 calls per 1,000 codes (1 per 100)")


if __name__ == "__main__":
    main()
