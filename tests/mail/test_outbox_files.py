"""With no SMTP server configured, every message is kept as an .eml file under var/outbox/."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage as MimeMessage
from pathlib import Path

from sqlalchemy import select

from passiton.app.factory import create_app
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import EmailMessage, MessageStatus
from tests.conftest import RuntimeFactory
from tests.support.builders import make_referrer, make_shop


def test_without_smtp_the_friends_code_is_written_to_the_outbox_folder(
    make_runtime: RuntimeFactory, sqlite_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(sqlite_url)
    assert runtime.settings.smtp_url is None
    shop_id = make_shop(runtime.db, FakeStoreDirectory())
    anna = make_referrer(runtime.db, shop_id)

    response = (
        create_app(runtime=runtime)
        .test_client()
        .post(f"/r/{anna.referral_code}", data={"email": "fritz@example.com"})
    )

    assert response.status_code == 200
    with runtime.db.sessions() as session:
        row = session.scalars(select(EmailMessage)).one()
    assert row.status is MessageStatus.SENT
    files = list((tmp_path / "var" / "outbox").glob("*.eml"))
    assert [f.name for f in files] == [f"{row.message_id}@localhost.eml"]
    assert files[0].stat().st_mode & 0o077 == 0
    mail = message_from_bytes(files[0].read_bytes(), _class=MimeMessage, policy=policy.default)
    assert mail["To"] == "fritz@example.com"
    assert mail["Message-ID"] == f"<{row.message_id}@localhost>"
    body = mail.get_body(("plain",))
    assert body is not None
    assert row.context["code"] in body.get_content()
