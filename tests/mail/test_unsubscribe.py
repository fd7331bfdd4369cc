"""Unsubscribing: one-click POST (RFC 8058), a GET page that changes nothing, no more mail."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage as MimeMessage
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import func, select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import (
    EmailMessage,
    EmailSuppression,
    MessageKind,
    MessageStatus,
    Shop,
    SuppressionReason,
)
from passiton.core.services.compliance import redact_customer
from passiton.core.services.mail_suppression import suppression_of
from passiton.core.services.outbox import queue_message
from tests.conftest import RuntimeFactory
from tests.support.builders import make_shop


def _sent_invitation(runtime: Runtime, tmp_path: Path, *, locale: str = "en") -> tuple[int, str]:
    """A shop, and the unsubscribe path of a message it sent to fritz@example.com."""
    shop_id = make_shop(runtime.db, FakeStoreDirectory())
    with runtime.db.transaction() as session:
        session.get_one(Shop, shop_id).locale = locale
        message = queue_message(
            session,
            shop_id=shop_id,
            kind=MessageKind.TEST,
            to="fritz@example.com",
            event_key="first",
            locale=None,
            context={},
        )
        assert message is not None
        message_id = message.id
    assert runtime.mail is not None
    assert runtime.mail.send(message_id) is MessageStatus.SENT
    [eml] = (tmp_path / "var" / "outbox").glob("*.eml")
    mail = message_from_bytes(eml.read_bytes(), _class=MimeMessage, policy=policy.default)
    url = str(mail["List-Unsubscribe"]).strip("<>")
    assert url.startswith("http://passiton.test/unsubscribe/")
    return shop_id, url.removeprefix("http://passiton.test")


def _suppressions(runtime: Runtime) -> int:
    with runtime.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(EmailSuppression)) or 0)


def _client(runtime: Runtime) -> FlaskClient:
    return create_app(runtime=runtime).test_client()


def test_one_click_post_unsubscribes_with_no_other_step(
    make_runtime: RuntimeFactory, sqlite_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(sqlite_url)
    shop_id, path = _sent_invitation(runtime, tmp_path)

    response = _client(runtime).post(path, data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    with runtime.db.sessions() as session:
        assert suppression_of(session, shop_id, "fritz@example.com") is (
            SuppressionReason.UNSUBSCRIBED
        )
        assert suppression_of(session, shop_id, "other@example.com") is None
    again = _client(runtime).post(path, data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    assert _suppressions(runtime) == 1


def test_get_shows_a_confirm_page_in_the_shops_language_and_changes_nothing(
    make_runtime: RuntimeFactory, sqlite_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(sqlite_url)
    _, path = _sent_invitation(runtime, tmp_path, locale="de")

    response = _client(runtime).get(path)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'lang="de"' in page
    assert "Abmelden" in page
    assert 'name="List-Unsubscribe" value="One-Click"' in page
    assert "fritz" not in page
    assert _suppressions(runtime) == 0


def test_a_post_without_the_one_click_body_changes_nothing(
    make_runtime: RuntimeFactory, sqlite_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(sqlite_url)
    _, path = _sent_invitation(runtime, tmp_path)

    response = _client(runtime).post(path, data={"List-Unsubscribe": "yes"})

    assert response.status_code == 400
    assert _suppressions(runtime) == 0


def test_a_bad_token_is_404_and_changes_nothing(
    make_runtime: RuntimeFactory, sqlite_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(sqlite_url)
    _, path = _sent_invitation(runtime, tmp_path)
    forged = path[:-3] + ("xyz" if not path.endswith("xyz") else "abc")

    for response in (
        _client(runtime).get(forged),
        _client(runtime).post(forged, data={"List-Unsubscribe": "One-Click"}),
        _client(runtime).post("/unsubscribe/nonsense", data={"List-Unsubscribe": "One-Click"}),
    ):
        assert response.status_code == 404
    assert _suppressions(runtime) == 0


def test_an_unsubscribed_address_gets_no_marketing_even_after_redaction(
    make_runtime: RuntimeFactory, sqlite_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(sqlite_url)
    shop_id, path = _sent_invitation(runtime, tmp_path)
    _client(runtime).post(path, data={"List-Unsubscribe": "One-Click"})
    runtime.db.run(
        lambda s: redact_customer(s, shop_id, customer_id=None, email="fritz@example.com")
    )

    with runtime.db.transaction() as session:
        message = queue_message(
            session,
            shop_id=shop_id,
            kind=MessageKind.INVITATION,
            to="Fritz@Example.com",
            event_key="order:1",
            locale=None,
            context={},
            marketing=True,
        )
        assert message is not None
        message_id = message.id
    assert runtime.mail is not None

    assert runtime.mail.send(message_id, datetime.now(UTC)) is None

    with runtime.db.sessions() as session:
        assert session.get_one(EmailMessage, message_id).status is MessageStatus.SUPPRESSED
    assert len(list((tmp_path / "var" / "outbox").glob("*.eml"))) == 1
