"""Drain the outbox to an SMTP server, retrying with exponential backoff.

Each message is first *claimed* (its next attempt pushed a lease ahead, committed), then sent
outside any transaction, then marked. A worker that dies mid-send leaves the message to be
retried when the lease ends: delivery is at least once, and nothing waits on a database lock
while talking to SMTP.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import sqlalchemy as sa

from dx_match.db import utcnow
from dx_match.extensions import db
from dx_match.notify.models import OutboxMessage

#: How long a claimed message is left to the worker that claimed it.
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)


@dataclass
class DeliveryReport:
    """What one pass over the outbox did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.retrying} to retry, {self.failed} given up"

    def __bool__(self) -> bool:
        return bool(self.sent or self.retrying or self.failed)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4 ... minutes, at most an hour."""
    delay: timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(delay, LONGEST_RETRY)


def build_message(row: OutboxMessage, sender: str) -> EmailMessage:
    """The MIME message for an outbox row: plain text with an HTML alternative."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"outbox-{row.id}")
    message["Content-Language"] = row.locale
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    return message


def send_smtp(message: EmailMessage, config: dict[str, Any]) -> None:
    """Hand one message to the configured SMTP server; raise on any failure."""
    host, port, timeout = config["DX_SMTP_HOST"], config["DX_SMTP_PORT"], config["DX_SMTP_TIMEOUT"]
    mode = config["DX_SMTP_TLS"]
    smtp: smtplib.SMTP
    if mode == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if mode == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if config["DX_SMTP_USER"]:
            smtp.login(config["DX_SMTP_USER"], config["DX_SMTP_PASSWORD"])
        smtp.send_message(message)


def _claim(now: datetime) -> OutboxMessage | None:
    """Take the oldest due message and lease it to this worker (committed)."""
    row = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)  # PostgreSQL: parallel workers take different rows
    ).first()
    if row is None:
        db.session.rollback()
        return None
    row.attempts += 1
    row.next_attempt_at = now + LEASE
    db.session.commit()
    return row


def deliver_due(
    config: dict[str, Any],
    now: datetime | None = None,
    limit: int = 100,
    stop: Callable[[], bool] = lambda: False,
) -> DeliveryReport:
    """Send up to `limit` due messages; failures are kept for a later attempt.

    `stop` is asked before each message: once it says True the pass ends, after the message
    being sent (if any) is marked, so a worker told to stop never abandons a send halfway.
    """
    report = DeliveryReport()
    now = now or utcnow()
    for _ in range(limit):
        if stop():
            break
        row = _claim(now)
        if row is None:
            break
        try:
            send_smtp(build_message(row, config["DX_MAIL_FROM"]), config)
        except (OSError, smtplib.SMTPException) as exc:  # refused, timed out, rejected
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if row.attempts >= config["DX_MAIL_MAX_ATTEMPTS"]:
                row.status = "failed"
                report.failed += 1
            else:
                row.next_attempt_at = now + retry_delay(row.attempts)
                report.retrying += 1
        else:
            row.status = "sent"
            row.sent_at = utcnow()
            row.last_error = None
            report.sent += 1
        db.session.commit()
    return report
