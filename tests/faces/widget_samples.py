"""Sample data for the storefront widget, shaped as the proxy's widget.json answers."""

from __future__ import annotations

from passiton.app.web.widget.page import WidgetData


def sample_widget(*, logged_in: bool = True, gifts: bool = True) -> WidgetData:
    """A referrer with some points, one redeemed code and a short history."""
    return {
        "shop_name": "Ring Shop",
        "currency": "EUR",
        "friend_offer": "15%",
        "min_redemption_points": 500,
        "points_per_currency_unit": 100,
        "unit_value_text": "€1.00",
        "gifts_enabled": gifts,
        "milestones": ["3 confirmed referrals: 200 bonus points"],
        "login_url": "/account/login",
        "customer": {
            "first_name": "Anna",
            "referral_code": "ANNA-7K2Q",
            "link": "https://passiton.example/r/ANNA-7K2Q",
            "points_pending": 1000,
            "points_available": 2500,
            "available_value": "25.00",
            "available_value_text": "€25.00",
        }
        if logged_in
        else None,
        "history": [
            {
                "date": "2026-10-01",
                "date_text": "Oct 1, 2026",
                "description": "Bob's order <b>#1001</b>",
                "points": 1000,
            },
            {
                "date": "2026-10-20",
                "date_text": "Oct 20, 2026",
                "description": "Reward code",
                "points": -500,
            },
        ],
        "rewards": [
            {
                "kind": "reward",
                "code": "PTN-R-8XK2",
                "amount": "5.00",
                "amount_text": "€5.00",
                "status": "created",
            }
        ],
    }
