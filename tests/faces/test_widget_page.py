"""The storefront widget template rendered with sample data."""

from __future__ import annotations

from flask import Flask

from passiton.app.web.widget.page import WidgetData, render_widget_page
from tests.faces.widget_samples import sample_widget

SCRIPT = "https://passiton.example/static/widget/widget.js"
API_BASE = "/apps/passiton/"


def _render(app: Flask, data: WidgetData) -> str:
    with app.test_request_context():
        return render_widget_page(data, script_url=SCRIPT, api_base=API_BASE)


def test_widget_shows_link_points_history_and_both_forms(app: Flask) -> None:
    html = _render(app, sample_widget())

    assert 'value="https://passiton.example/r/ANNA-7K2Q?ch=copy"' in html
    assert '<label for="pw-link">Your referral link</label>' in html
    assert 'data-action="copy"' in html
    assert 'data-field="points_available">2,500<' in html
    assert 'data-field="points_pending">1,000<' in html
    assert 'data-field="available_value">€25.00<' in html
    assert "<td>Oct 1, 2026</td>" in html
    assert "<td>Bob&#39;s order &lt;b&gt;#1001&lt;/b&gt;</td>" in html
    assert '<td class="pw-num">-500</td>' in html
    assert '<td class="pw-num">+1,000</td>' in html
    assert "PTN-R-8XK2" in html
    assert 'data-kind="reward"' in html
    assert 'data-kind="gift"' in html
    assert 'min="500"' in html
    assert f'<script src="{SCRIPT}" defer></script>' in html
    assert "%20https%3A//passiton.example/r/ANNA-7K2Q%3Fch%3Dmail" in html


def test_widget_lists_the_milestones(app: Flask) -> None:
    html = _render(app, sample_widget())

    assert "<li>3 confirmed referrals: 200 bonus points</li>" in html


def test_widget_is_a_whole_page_that_names_its_proxy_path(app: Flask) -> None:
    html = _render(app, sample_widget())

    assert html.startswith("<!doctype html>")
    assert "<title>Refer a friend to Ring Shop</title>" in html
    assert f'data-api-base="{API_BASE}"' in html


def test_widget_without_gifts_has_no_gift_form(app: Flask) -> None:
    html = _render(app, sample_widget(gifts=False))

    assert 'data-kind="reward"' in html
    assert 'data-kind="gift"' not in html


def test_widget_asks_a_visitor_to_log_in(app: Flask) -> None:
    html = _render(app, sample_widget(logged_in=False))

    assert '<a href="/account/login">Log in</a>' in html
    assert 'id="pw-link"' not in html
    assert "data-kind=" not in html
    assert "15% off" in html
