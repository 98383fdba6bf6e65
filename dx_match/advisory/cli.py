"""`dx-match advisory remind`: the advisor workspace's daily reminders."""

from __future__ import annotations

from datetime import date, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from dx_match.extensions import db


@click.group("advisory")
def advisory_group() -> None:
    """The advisor workspace."""


@advisory_group.command("remind")
@click.option("--today", "today_text", help="Judge deadlines on this day (YYYY-MM-DD).")
@click.option(
    "--base-url",
    envvar="DX_BASE_URL",
    default="http://localhost:5000",
    show_default=True,
    help="Where the site is reached, for the links in the mail (env DX_BASE_URL).",
)
@with_appcontext
def remind_command(today_text: str | None, base_url: str) -> None:
    """Remind advisors of closing subsidy windows and due outcome reports (run daily)."""
    from dx_match.advisory.reminders import remind

    try:
        today = datetime.strptime(today_text, "%Y-%m-%d").date() if today_text else date.today()
    except ValueError as exc:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--today") from exc
    with current_app.test_request_context(base_url=base_url):
        sent = remind(today, base_url)
    db.session.remove()
    click.echo(f"sent {sent} advisor reminder(s); run `dx-match mail deliver` to mail them")
