"""`dx-match search`: query from the command line, and keep the index in step."""

from __future__ import annotations

import json
import sys
import time
from decimal import Decimal, InvalidOperation
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from dx_match.catalog.models import DEPLOYMENTS
from dx_match.catalog.queries import vocabulary
from dx_match.extensions import db
from dx_match.search.docvalues import Filters
from dx_match.search.service import IndexUnwritable, search_service
from dx_match.search.spec_query import search_filters, search_rows

SUBCOMMANDS = ("query", "reindex", "check", "drain", "worker")


class SearchGroup(click.Group):
    """`dx-match search QUERY ...` runs a query; `dx-match search reindex|check|...` maintain."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Anything that is not a subcommand is a query."""
        if args and args[0] not in self.commands and args[0] not in {"--help", "-h"}:
            args = ["query", *args]
        return super().parse_args(ctx, args)


@click.group("search", cls=SearchGroup)
def search_group() -> None:
    """Search tools (dx-match search QUERY [filters]) or maintain the index."""


@search_group.command("query")
@click.argument("text", metavar="QUERY", default="")
@click.option("--industry", help="Keep tools listing no industries or one covering CODE.")
@click.option(
    "--function",
    "function",
    help="Keep tools listing this function (a group covers its functions).",
)
@click.option("--max-price", help="Monthly cost at most N (needs --currency).")
@click.option("--currency", help="Currency of --max-price (e.g. TWD, JPY, USD).")
@click.option("--users", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--deployment", type=click.Choice(DEPLOYMENTS))
@click.option("--language", help="Keep tools offering a UI in this language.")
@click.option("--region", help="Keep tools sold in this region.")
@click.option("--subsidy", help="Keep tools registered for this subsidy slug.")
@click.option("--trial", is_flag=True, help="Keep tools with a free trial.")
@click.option("--fresh", is_flag=True, help="Keep tools verified in the last 12 months.")
@click.option("--limit", type=click.IntRange(min=1, max=1000), default=20, show_default=True)
@click.option("--lang", default="en", show_default=True, help="Language of the names printed.")
@click.option(
    "--format", "output", type=click.Choice(["json", "text"]), default="text", show_default=True
)
@with_appcontext
def query_command(text: str, **options: Any) -> None:
    """Print the matching tools, best first."""
    filters = _filters(options)
    service = search_service()
    if not service.backend.has_index():
        service.rebuild()
    rows, suggestion = search_rows(text, filters, limit=options["limit"], lang=options["lang"])
    if options["output"] == "json":
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    if suggestion:
        click.echo(f"did you mean: {suggestion}", err=True)
    for row in rows:
        click.echo(f"{row['score']:8.3f}  {row['slug']:<32} {row['name']}")


def _amount(text: str) -> Decimal | None:
    """A finite amount >= 0, else None."""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount >= 0 else None


#: What each filter option must be, for the error message.
EXPECTED = {
    "industry": "an industry code (e.g. I56, G47, C)",
    "function": "a function code (e.g. sales.pos, hr)",
    "language": "a language tag (e.g. zh-TW, ja, en)",
    "region": "a region code (e.g. TW, JP-13)",
    "subsidy": "a subsidy slug (e.g. jp-it-intro)",
}


def _filters(options: dict[str, Any]) -> Filters:
    """Validate the filter options into Filters; a bad value stops with a message naming it."""
    values = dict(options)
    if options["max_price"] is not None:
        values["max_price"] = _amount(options["max_price"])
        if values["max_price"] is None:
            raise click.BadParameter(
                f"{options['max_price']!r} is not an amount >= 0", param_hint="--max-price"
            )
    rates = current_app.config["DX_RATES"]
    filters, notices = search_filters(values, vocabulary(), rates)
    for notice in notices[:1]:
        if notice.field == "currency" and notice.problem == "missing":
            message = "--max-price needs --currency"
        elif notice.field == "currency":
            message = f"no conversion rate for {notice.value} (known: {', '.join(rates)})"
        else:
            message = f"{notice.value!r} is not {EXPECTED[notice.field]}"
        raise click.BadParameter(message, param_hint=f"--{notice.field.replace('_', '-')}")
    return filters


@search_group.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Build a fresh index in a new place and swap it in atomically."""
    from dx_match.search.records import published_ids

    service = search_service()
    total = len(published_ids())
    started = time.monotonic()
    with click.progressbar(length=total, label="indexing tools", file=sys.stderr) as bar:
        count = service.rebuild(progress=bar.update)
    click.echo(
        f"indexed {count} tools with {service.backend.name} in {time.monotonic() - started:.1f} s"
    )


@search_group.command("check")
@with_appcontext
def check_command() -> None:
    """Report drift between the index and the published tools (exit 1 when there is any)."""
    drift = search_service().check()
    click.echo(f"missing from the index: {len(drift.missing)} {sorted(drift.missing)[:20]}")
    click.echo(f"in the index but not published: {len(drift.extra)} {sorted(drift.extra)[:20]}")
    click.echo(f"changes waiting in the outbox: {drift.pending}")
    if not drift.ok:
        click.echo(
            "drift found: run `dx-match search drain` or `dx-match search reindex`", err=True
        )
        sys.exit(1)


@search_group.command("drain")
@with_appcontext
def drain_command() -> None:
    """Apply the pending changes of the outbox to the index once."""
    click.echo(f"applied {search_service().drain()} tool changes")


@search_group.command("worker")
@click.option(
    "--interval", type=float, default=1.0, show_default=True, help="Seconds between polls."
)
@with_appcontext
def worker_command(interval: float) -> None:
    """The indexer: drain the outbox forever (one per machine in scale-out)."""
    service = search_service()
    if not service.backend.has_index():
        try:
            service.rebuild()
        except IndexUnwritable as exc:
            current_app.logger.error("indexer: %s", exc)
    while True:
        try:
            service.drain()
        except IndexUnwritable as exc:
            current_app.logger.error("indexer: %s", exc)  # one line per poll, not a traceback
        except Exception:
            current_app.logger.exception("indexer batch failed; retrying")
            db.session.rollback()
        db.session.remove()
        time.sleep(interval)
