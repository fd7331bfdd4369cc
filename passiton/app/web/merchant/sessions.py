"""Login sessions that logging out revokes everywhere, not only in the browser that clicked.

Flask's session is a signed cookie held by the browser, so clearing it at logout leaves any copy
(stolen, or on another device) valid. Each session carries its merchant's `session_generation`;
logging out bumps the number, and every request drops a session whose number is stale.
"""

from __future__ import annotations

from flask import Flask, current_app, session
from sqlalchemy import select, update

from passiton.app.runtime import Runtime
from passiton.core.merchants import Merchant

GENERATION = "generation"


def start_session(merchant_id: int, generation: int, shop_id: int | None) -> None:
    """A fresh session (and CSRF token): a session fixed before login is worthless."""
    session.clear()
    session["merchant_id"] = merchant_id
    session[GENERATION] = generation
    if shop_id is not None:
        session["shop_id"] = shop_id


def end_session() -> None:
    """Log out here and revoke every other copy of this merchant's sessions."""
    merchant_id = session.get("merchant_id")
    session.clear()
    if not isinstance(merchant_id, int):
        return
    runtime: Runtime = current_app.extensions["passiton"]
    with runtime.db.transaction() as db_session:
        db_session.execute(
            update(Merchant)
            .where(Merchant.id == merchant_id)
            .values(session_generation=Merchant.session_generation + 1)
        )


def install_session_check(app: Flask) -> None:
    app.before_request(_drop_revoked_session)


def _drop_revoked_session() -> None:
    # Only a login puts a merchant into the (signed) session, so that is what is checked.
    if "merchant_id" not in session:
        return
    merchant_id, generation = session.get("merchant_id"), session.get(GENERATION)
    if not isinstance(merchant_id, int) or not isinstance(generation, int):
        session.clear()
        return
    runtime: Runtime = current_app.extensions["passiton"]
    with runtime.db.sessions() as db_session:
        current = db_session.scalar(
            select(Merchant.session_generation).where(Merchant.id == merchant_id)
        )
    if current != generation:
        session.clear()
