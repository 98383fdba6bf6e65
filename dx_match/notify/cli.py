"""`dx-match mail ...`: deliver the outbox."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from dx_match.extensions import db


@click.group("mail")
def mail_group() -> None:
    """Outgoing e-mail."""


@mail_group.command("deliver")
@click.option("--once", is_flag=True, help="One pass over the due messages, then exit.")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between passes.")
@with_appcontext
def deliver_command(once: bool, interval: float) -> None:
    """Send due outbox messages to DX_SMTP_HOST; failures are retried with backoff."""
    from dx_match.notify.delivery import deliver_due

    config = dict(current_app.config)
    while True:
        report = deliver_due(config)
        db.session.remove()  # end the transaction: SQLite must not stay locked between passes
        if once or report.sent or report.retrying or report.failed:
            click.echo(str(report))
        if once:
            return
        time.sleep(interval)
