"""Friend claim latency (POST /r/<code>) vs GET /healthz, and store API calls on the claim path.

In-process through Flask's test client on a temporary PostgreSQL: the request handling and the
database work are measured, not a network stack. Run: `python -m bench.claim [--claims N]`.
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
from pathlib import Path

from bench.measure import latency_table, machine, postgres, timed
from passiton.app.config import Settings
from passiton.app.factory import create_app
from passiton.app.runtime import build_runtime
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import Platform
from passiton.core.services import friend_pool
from passiton.core.services.enrolment import Buyer, enrol
from passiton.core.services.shops import install_shop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=1000)
    claims = parser.parse_args().claims
    print(machine())
    var = Path(tempfile.mkdtemp(prefix="passiton-bench-"))
    stores = FakeStoreDirectory()
    with postgres() as url:
        runtime = build_runtime(
            Settings(
                database_url=url,
                queue_url=f"sqlite:///{var / 'queue.db'}",
                app_url="http://127.0.0.1:8000",
                secret_key=secrets.token_urlsafe(32),
                var_dir=var,
            ),
            stores=stores,
        )
        with runtime.db.transaction() as session:
            shop_id = install_shop(session, platform=Platform.FAKE, domain="bench.example").id
            friend_pool.reserve_codes(session, shop_id, target=claims + 100)
            referrer = enrol(session, shop_id, Buyer(customer_id="1", email="anna@example.com"))
            assert referrer is not None
            code = referrer.referral_code
        friend_pool.fill_pool(runtime.db.sessions, stores, shop_id)
        client = create_app(runtime=runtime).test_client()
        calls_before = sum(s.calls for s in stores.stores.values())
        friends = iter(range(claims))

        def claim() -> None:
            n = next(friends)
            # Each friend from their own address: the claim limit is per visitor address.
            visitor = {"REMOTE_ADDR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}
            answer = client.post(
                f"/r/{code}", data={"email": f"friend{n}@ex.com"}, environ_base=visitor
            )
            if answer.status_code not in (200, 303):
                raise RuntimeError(f"claim answered {answer.status_code}")

        def health() -> None:
            if client.get("/healthz").status_code != 200:
                raise RuntimeError("health check failed")

        timed(health, 50)
        baseline = timed(health, claims)
        measured = timed(claim, claims)
        store_calls = sum(s.calls for s in stores.stores.values()) - calls_before
        runtime.close()
    print(f"\n{claims} sequential requests each")
    print(
        latency_table(
            "request",
            ("GET /healthz (baseline)", baseline),
            [("POST /r/<code> (claim)", measured)],
        )
    )
    print(f"store API calls during {claims} claims: {store_calls}")
    print("target: claim p99 <= 20 ms with no store API call")


if __name__ == "__main__":
    main()
