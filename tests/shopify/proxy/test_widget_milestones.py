"""The widget tells the referrer the shop's milestones and names their bonuses in the history."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from passiton.app.runtime import Runtime
from passiton.core import ledger
from passiton.core.models import EntryKind
from passiton.core.services.shops import update_settings
from tests.shopify.app_requests import proxy_query
from tests.shopify.proxy.shoppers import ANNA, give_points, widget

TIERS = [{"referrals": 1, "points": 100}, {"referrals": 3, "points": 1500}]


def test_the_widget_lists_each_tier_in_plain_words(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    shopify_runtime.db.run(lambda s: update_settings(s, shop_id, {"milestones": TIERS}))

    for query in (proxy_query(customer=ANNA), proxy_query(customer=None)):
        assert widget(web, query)[1]["milestones"] == [
            "1 confirmed referrals: 100 bonus points",
            "3 confirmed referrals: 1,500 bonus points",
        ]


def test_a_shop_without_milestones_lists_none(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    assert widget(web, proxy_query(customer=ANNA))[1]["milestones"] == []


def test_bonuses_and_their_clawbacks_are_named_in_the_history(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    customer_id = give_points(shopify_runtime, shop_id, ANNA, 0)

    def work(session: Session) -> None:
        for kind, key, points in (
            (EntryKind.MILESTONE, "milestone:1:3:0", 200),
            (EntryKind.MILESTONE_CLAWBACK, "milestone-clawback:1:3:1", -200),
            (EntryKind.MILESTONE_RETURN, "milestone-return:1:3:2", 200),
        ):
            ledger.post(
                session,
                shop_id=shop_id,
                customer_id=customer_id,
                kind=kind,
                key=key,
                available=points,
            )

    shopify_runtime.db.run(work)

    history = widget(web, proxy_query(customer=ANNA))[1]["history"]
    assert [(h["description"], h["points"]) for h in history] == [
        ("Milestone bonus returned: the friend's order was reinstated", 200),
        ("Milestone bonus taken back: the friend's order was refunded", -200),
        ("Milestone bonus for your friends' confirmed orders", 200),
    ]
