"""`dx-match mail ...`: deliver the outbox; `dx-match notify ...`: in-app notification upkeep."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click
from flask import current_app
from flask.cli import with_appcontext

from dx_match.extensions import db


@click.group("mail")
def mail_group() -> None:
    """Outgoing e-mail."""


@mail_group.command("deliver")
@click.option("--once", is_flag=True, help="One pass over the due messages, then exit.")
@click.option("--loop", is_flag=True, help="Keep polling until SIGTERM or SIGINT (the default).")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between passes.")
@with_appcontext
def deliver_command(once: bool, loop: bool, interval: float) -> None:
    """Send due outbox messages to DX_SMTP_HOST; failures are retried with backoff.

    As a worker (the default, or --loop) it stops on SIGTERM or SIGINT after the message it is
    sending: nothing is sent twice or left half-sent by a restart.
    """
    if once and loop:
        raise click.UsageError("--once and --loop exclude each other")
    stopping = threading.Event()
    if not once:
        _stop_on_signals(stopping)
    run_worker(dict(current_app.config), stopping, interval, once=once)


def _stop_on_signals(stopping: threading.Event) -> None:
    def request_stop(signum: int, _frame: FrameType | None) -> None:
        click.echo(f"{signal.Signals(signum).name}: stopping after the current message", err=True)
        stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)


def run_worker(
    config: dict[str, object], stopping: threading.Event, interval: float, *, once: bool = False
) -> None:
    """Deliver passes every `interval` seconds until `stopping` is set (one pass with `once`)."""
    from dx_match.notify.delivery import deliver_due

    while True:
        report = deliver_due(config, stop=stopping.is_set)
        db.session.remove()  # end the transaction: SQLite must not stay locked between passes
        if once or report:
            click.echo(str(report))
        if once or stopping.wait(interval):
            return


@click.group("notify")
def notify_group() -> None:
    """In-app notifications."""


@notify_group.command("prune")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Delete notifications read more than this many days ago "
    "[default: DX_NOTIFICATION_RETENTION_DAYS, 90].",
)
@with_appcontext
def prune_command(days: int | None) -> None:
    """Delete old read notifications (unread ones are always kept)."""
    from dx_match.notify.inapp import prune

    days = days or int(current_app.config["DX_NOTIFICATION_RETENTION_DAYS"])
    removed = prune(days)
    db.session.remove()
    click.echo(f"{removed} read notifications older than {days} days deleted")
