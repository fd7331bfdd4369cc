"""The plugin's "Refer a friend" tab and redeem form, run on a fake WordPress against a Passiton
served over real HTTP: what the shopper sees, what the form posts, what reaches Passiton."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.core.models import Customer, RewardCode
from passiton.core.services.shops import update_settings
from tests.conftest import RuntimeFactory
from tests.faces.live_server import serve
from tests.woocommerce.plugin_php import ANNA, Form, StoreVisit, forms_of, seed_store

TAB_URL = "https://shop.example/my-account/refer-a-friend/"
KEY_SHAPE = re.compile(r"^wp-[0-9a-f]{32}$")


@dataclass
class Shop:
    runtime: Runtime
    shop_id: int
    visit: StoreVisit
    """Anna, logged in to the store."""
    passiton_url: str

    def form(self, kind: str) -> Form:
        """The tab's redeem form for `kind`, as the browser got it."""
        forms = forms_of(self.visit.request()["html"])
        return next(f for f in forms if f.fields.get("passiton_kind") == kind)

    def rewards(self) -> list[RewardCode]:
        with self.runtime.db.sessions() as session:
            return list(session.scalars(select(RewardCode).order_by(RewardCode.id)))

    def points_available(self) -> int:
        with self.runtime.db.sessions() as session:
            anna = session.scalar(select(Customer).where(Customer.platform_customer_id == "7"))
            assert anna is not None
            return anna.points_available


@pytest.fixture
def shop(make_runtime: RuntimeFactory, sqlite_url: str) -> Iterator[Shop]:
    runtime = make_runtime(sqlite_url)
    shop_id, plugin_key = seed_store(runtime)
    with serve(runtime, create_app(runtime=runtime)) as live:
        options = {
            "passiton_settings": {
                "app_url": live.url,
                "shop_id": str(shop_id),
                "plugin_key": plugin_key,
            }
        }
        user = {"ID": 7, "user_email": ANNA["email"], "first_name": ANNA["first_name"]}
        yield Shop(runtime, shop_id, StoreVisit(options, user), live.url)


def test_the_tab_shows_link_points_and_a_form_per_kind(shop: Shop) -> None:
    page = shop.visit.request()

    assert [c["url"] for c in page["calls"]] == [f"{shop.passiton_url}/woocommerce/plugin/customer"]
    assert json.loads(page["calls"][0]["body"])["customer_id"] == "7"
    html = page["html"]
    assert 'href="http://passiton.test/r/ANNA-7K2Q"' in html
    assert "800 available, 0 pending" in html
    assert "100 points are worth 1.00 EUR. You can redeem from 500 points." in html
    forms = forms_of(html)
    assert [f.fields["passiton_kind"] for f in forms] == ["reward", "gift"]
    for form in forms:
        assert (form.action, form.method) == (TAB_URL, "post")
        assert set(form.fields) == {
            "passiton_points",
            "passiton_action",
            "passiton_kind",
            "passiton_key",
            "passiton_nonce",
        }
        assert KEY_SHAPE.match(form.fields["passiton_key"])
    assert forms[0].fields["passiton_key"] != forms[1].fields["passiton_key"]


def test_redeeming_redirects_and_the_tab_then_shows_the_code_once(shop: Shop) -> None:
    form = shop.form("reward")

    posted = shop.visit.request({**form.fields, "passiton_points": "500"})

    # Post/redirect/get: nothing rendered, the request ended, the browser sent to the tab.
    assert posted["exited"] is True
    assert posted["redirect"] == {"location": TAB_URL, "status": 303}
    assert posted["html"] == ""
    assert posted["nocache"] is True
    assert [(c["url"], c["status"]) for c in posted["calls"]] == [
        (f"{shop.passiton_url}/woocommerce/plugin/redeem", 200)
    ]
    (reward,) = shop.rewards()
    assert shop.points_available() == 300

    shown = shop.visit.request()["html"]
    assert "woocommerce-message" in shown
    assert f"<code>{reward.code}</code></strong> (5.00 EUR)" in shown
    assert "300 available" in shown
    assert forms_of(shown) == []  # 300 left, 500 needed
    again = shop.visit.request()["html"]
    assert "woocommerce-message" not in again
    assert f"<td><code>{reward.code}</code></td><td>you</td><td>€5.00</td>" in again


def test_the_form_redeems_for_the_logged_in_user_whatever_it_posts(shop: Shop) -> None:
    form = shop.form("gift")
    forged = {"customer_id": "8", "email": "mallory@example.com", "passiton_points": "500"}

    posted = shop.visit.request({**form.fields, **forged})

    sent = json.loads(posted["calls"][0]["body"])
    assert {k: sent[k] for k in ANNA} == ANNA
    assert (sent["points"], sent["kind"]) == (500, "gift")
    assert sent["idempotency_key"] == form.fields["passiton_key"]
    assert shop.points_available() == 300


def test_submitting_the_same_form_twice_redeems_once(shop: Shop) -> None:
    form = shop.form("reward")
    post = {**form.fields, "passiton_points": "500"}

    first, second = shop.visit.request(post), shop.visit.request(post)

    assert [c["status"] for c in first["calls"] + second["calls"]] == [200, 200]
    (reward,) = shop.rewards()
    assert shop.points_available() == 300
    assert f"<code>{reward.code}</code>" in shop.visit.request()["html"]


@pytest.mark.parametrize("nonce", ["", "0000000000", "someone-elses"])
def test_a_post_without_the_users_nonce_reaches_nobody(shop: Shop, nonce: str) -> None:
    form = shop.form("reward")
    if nonce == "someone-elses":
        shop.visit.user = {**shop.visit.user, "ID": 8, "user_email": "mallory@example.com"}
        nonce = form.fields["passiton_nonce"]

    posted = shop.visit.request({**form.fields, "passiton_points": "500", "passiton_nonce": nonce})

    assert posted["calls"] == []
    assert posted["redirect"] == {"location": TAB_URL, "status": 303}
    assert shop.rewards() == []
    assert "the form had expired, please try again" in shop.visit.request()["html"]


def test_a_guest_post_is_sent_to_log_in(shop: Shop) -> None:
    form = shop.form("reward")
    shop.visit.user = {"ID": 0, "user_email": "", "first_name": ""}

    posted = shop.visit.request({**form.fields, "passiton_points": "500"})

    assert posted["redirect"] == {"location": "https://shop.example/my-account/", "status": 303}
    assert posted["calls"] == []
    assert posted["transients"] == {}


@pytest.mark.parametrize(
    ("points", "shown"),
    [
        ("5000", "Your points were not redeemed: only 800 points are available."),
        ("100", "Your points were not redeemed: redeem at least 500 points."),
        ("five", "Your points were not redeemed: enter a whole number of points."),
    ],
)
def test_a_refusal_is_shown_in_passitons_words(shop: Shop, points: str, shown: str) -> None:
    form = shop.form("reward")
    shop.visit.request({**form.fields, "passiton_points": points})
    page = shop.visit.request()["html"]
    assert f'<ul class="woocommerce-error" role="alert"><li>{shown}</li></ul>' in page
    assert shop.rewards() == []
    assert shop.points_available() == 800


def test_after_no_answer_the_next_form_sends_the_same_key(shop: Shop) -> None:
    form = shop.form("reward")
    reachable = shop.visit.options["passiton_settings"]
    shop.visit.options = {"passiton_settings": {**reachable, "app_url": "http://127.0.0.1:9"}}

    posted = shop.visit.request({**form.fields, "passiton_points": "500"})

    assert [c["status"] for c in posted["calls"]] == [0]
    shop.visit.options = {"passiton_settings": reachable}
    page = shop.visit.request()["html"]
    assert "Your points could not be redeemed just now. Please try again." in page
    retry = {f.fields["passiton_kind"]: f.fields["passiton_key"] for f in forms_of(page)}
    assert retry["reward"] == form.fields["passiton_key"]
    assert retry["gift"] != form.fields["passiton_key"]


def test_a_paused_program_shows_points_but_no_form(shop: Shop) -> None:
    with shop.runtime.db.transaction() as session:
        update_settings(session, shop.shop_id, {"enabled": False})
    html = shop.visit.request()["html"]
    assert "800 available" in html
    assert "Use your points" not in html
    assert forms_of(html) == []


def test_an_unconfigured_plugin_says_the_program_is_unavailable(shop: Shop) -> None:
    shop.visit.options = {}
    page = shop.visit.request()
    assert page["calls"] == []
    assert "The referral program is not available right now." in page["html"]


def test_a_kept_notice_is_escaped(shop: Shop) -> None:
    shop.visit.transients = {"passiton_redeem_7": {"error": "<script>alert(1)</script>"}}
    html = shop.visit.request()["html"]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_one_shoppers_notice_is_not_shown_to_another(shop: Shop) -> None:
    kept = {"passiton_redeem_8": {"error": "only 3 points are available to Ben"}}
    shop.visit.transients = dict(kept)
    page = shop.visit.request()
    assert "to Ben" not in page["html"]
    assert page["transients"] == kept
