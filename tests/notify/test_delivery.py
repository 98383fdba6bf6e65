"""The outbox: written with the change that causes it, delivered to a real SMTP server on
loopback, kept while SMTP is down and delivered later, given up (but kept) after many tries."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask

from dx_match.db import utcnow
from dx_match.extensions import db
from dx_match.notify.delivery import deliver_due, retry_delay
from dx_match.notify.models import OutboxMessage
from dx_match.notify.services import queue_mail
from tests.notify.conftest import Inbox


def queue_one(to: str = "someone@example.com", locale: str = "zh-TW") -> OutboxMessage:
    from flask_babel import lazy_gettext as _l

    from dx_match.accounts.models import User

    user = User(email=to, display_name="王小明", locale=locale)
    message = queue_mail(
        to, "confirm_email", _l("Confirm your e-mail address"), locale, user=user, link="http://x/y"
    )
    db.session.commit()
    return message


def test_delivers_text_and_html_to_a_real_smtp_server(
    app: Flask, smtp_config, smtp_server: Inbox
) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context():
        message = queue_one()
    report = deliver_due(smtp_config)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    assert message.status == "sent" and message.attempts == 1 and message.sent_at is not None
    [received] = smtp_server.messages
    assert received["To"] == "someone@example.com"
    assert received["From"] == smtp_config["DX_MAIL_FROM"]
    parts = {part.get_content_type(): part for part in received.walk()}
    assert {"text/plain", "text/html"} <= set(parts)
    text = parts["text/plain"].get_payload(decode=True).decode("utf-8")
    assert "王小明" in text and "http://x/y" in text
    assert deliver_due(smtp_config).sent == 0  # nothing is sent twice


def test_smtp_down_keeps_the_message_then_delivers_it(app: Flask, smtp_config) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context():
        message = queue_one()
    down = deliver_due(smtp_config)
    assert (down.sent, down.retrying) == (0, 1)
    assert message.status == "pending" and message.attempts == 1
    assert (
        "Connection" in (message.last_error or "")
        or "refused" in (message.last_error or "").lower()
    )
    assert deliver_due(smtp_config).retrying == 0  # not due yet: backing off

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_config["DX_SMTP_PORT"])
    controller.start()
    try:
        later = deliver_due(smtp_config, now=utcnow() + timedelta(minutes=2))
    finally:
        controller.stop()
    assert later.sent == 1 and message.status == "sent" and message.attempts == 2
    assert len(inbox.messages) == 1 and message.last_error is None


def test_gives_up_after_the_configured_attempts_but_keeps_the_row(app: Flask, smtp_config) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context():
        message = queue_one()
    config = {**smtp_config, "DX_MAIL_MAX_ATTEMPTS": 3}
    now = utcnow()
    for _ in range(3):
        deliver_due(config, now=now)
        now += timedelta(hours=2)
    assert message.status == "failed" and message.attempts == 3
    assert db.session.get(OutboxMessage, message.id) is not None


@pytest.mark.parametrize(
    ("attempts", "minutes"), [(1, 1), (2, 2), (3, 4), (4, 8), (6, 32), (7, 60), (12, 60)]
)
def test_retry_delay_doubles_up_to_an_hour(attempts: int, minutes: int) -> None:
    assert retry_delay(attempts) == timedelta(minutes=minutes)


def test_a_rolled_back_change_sends_nothing(app: Flask) -> None:
    with app.test_request_context():
        from flask_babel import lazy_gettext as _l

        from dx_match.accounts.models import User

        before = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
        queue_mail(
            "x@example.com",
            "confirm_email",
            _l("Confirm your e-mail address"),
            "en",
            user=User(email="x@example.com", display_name=""),
            link="http://x",
        )
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == before


def test_cli_deliver_once(app: Flask, runner, smtp_config, smtp_server: Inbox) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context():
        queue_one()
    app.config.update(DX_SMTP_HOST="127.0.0.1", DX_SMTP_PORT=smtp_config["DX_SMTP_PORT"])
    try:
        result = runner.invoke(args=["mail", "deliver", "--once"])
    finally:
        app.config.update(DX_SMTP_HOST="localhost", DX_SMTP_PORT=25)
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output and len(smtp_server.messages) == 1
