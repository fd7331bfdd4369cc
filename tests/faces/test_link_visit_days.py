"""Link visits per day: counted atomically, per shop, and described by migration 0004."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from passiton.app import migrate
from passiton.app.database import Database
from passiton.app.web.friend.link_visits import record_visit
from passiton.core.models import LinkVisitDay, Platform
from passiton.core.services.shops import install_shop


def test_visits_add_up_per_shop_and_day(database_url: str) -> None:
    db = Database(database_url)
    try:
        one = db.run(lambda s: install_shop(s, platform=Platform.FAKE, domain="one.test").id)
        two = db.run(lambda s: install_shop(s, platform=Platform.FAKE, domain="two.test").id)
        day, next_day = date(2026, 11, 1), date(2026, 11, 2)
        for shop_id, when in [(one, day), (one, day), (one, next_day), (two, day)]:
            with db.transaction() as session:
                record_visit(session, shop_id, when)

        with db.sessions() as session:
            rows = {(r.shop_id, r.day): r.visits for r in session.scalars(select(LinkVisitDay))}
    finally:
        db.dispose()

    assert rows == {(one, day): 2, (one, next_day): 1, (two, day): 1}


def test_models_match_the_migrations(database_url: str) -> None:
    migrate.check(database_url)
