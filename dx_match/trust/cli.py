"""`dx-match trust ...`: recompute the fraud-risk signals, remind vendors of stale listings."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from dx_match.extensions import db


@click.group("trust")
def trust_group() -> None:
    """Fraud-risk signals and listing freshness."""


@trust_group.command("scan")
@with_appcontext
def scan_command() -> None:
    """Run every detector over the catalog; keeps admins' decisions (safe to repeat)."""
    from dx_match.trust.services import scan

    report = scan()
    db.session.remove()
    click.echo(f"signals: {report}")


@trust_group.command("remind-stale")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Judge staleness on this day.")
@with_appcontext
def remind_stale_command(today: object) -> None:
    """Mail vendors whose listings were not verified for 12 months (once per 30 days each)."""
    from datetime import datetime

    from dx_match.trust.reminders import remind_stale

    day = today.date() if isinstance(today, datetime) else date.today()
    report = remind_stale(day)
    db.session.remove()
    click.echo(str(report))
