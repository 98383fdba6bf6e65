"""The `dx-match` command: the Flask CLI plus init, import, export and demo."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from dx_match import REPO_ROOT, create_app
from dx_match.extensions import db
from dx_match.search.service import IndexUnwritable

DEMO_CATALOG = REPO_ROOT / "catalog" / "demo"


class DxGroup(FlaskGroup):
    """Flask's CLI group, turning "no tables yet" into a hint instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a database without the schema gets one clear line and exit 1."""
        try:
            return super().invoke(ctx)
        except IndexUnwritable as exc:
            raise click.ClickException(str(exc)) from exc
        except (sa.exc.OperationalError, sa.exc.ProgrammingError) as exc:
            text = str(exc.orig)
            if "no such table" not in text and "does not exist" not in text:
                raise
            raise click.ClickException(
                f"the database has no dx_match schema yet ({text.splitlines()[0]}): "
                "run `dx-match init` (or `dx-match demo`) first"
            ) from exc


@click.group(cls=DxGroup, create_app=create_app, add_version_option=False)
def main() -> None:
    """dx_match: digital tools, subsidies and courses for SMEs."""


def _add_serve() -> None:
    # On the group itself, not the app: serving must not build an app in the master process.
    from dx_match.serve import serve_command

    main.add_command(serve_command)


_add_serve()


def register_commands(app: Flask) -> None:
    """Add the dx_match commands to the app's CLI (so `flask` and `dx-match` both have them)."""
    from dx_match.accounts.cli import user_group
    from dx_match.advisory.cli import advisory_group
    from dx_match.notify.cli import mail_group, notify_group
    from dx_match.recommend.cli import recommend_group
    from dx_match.reviews.cli import outcomes_group
    from dx_match.search.cli import search_group
    from dx_match.trust.cli import trust_group

    commands = (init_command, import_command, export_command, demo_command, search_group)
    for command in (
        *commands,
        recommend_group,
        user_group,
        mail_group,
        notify_group,
        trust_group,
        outcomes_group,
        advisory_group,
    ):
        app.cli.add_command(command)


def init_database() -> int:
    """Upgrade the schema to the newest migration and sync the built-in taxonomy."""
    from flask_migrate import upgrade

    from dx_match.taxonomy.services import sync_builtin

    upgrade(directory=current_app.extensions["migrate"].directory)
    return sync_builtin()


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database schema and the built-in taxonomy (safe to run twice)."""
    changed = init_database()
    click.echo(f"database ready at {current_app.config['SQLALCHEMY_DATABASE_URI']}")
    click.echo(f"built-in taxonomy: {changed} terms added or updated")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@with_appcontext
def import_command(path: Path, dry_run: bool) -> None:
    """Validate a catalog (directory or file) and import it, or print every problem."""
    from dx_match.catalog.exchange import import_catalog

    report = import_catalog(path, dry_run=dry_run)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    if not report.ok:
        for problem in report.problems:
            click.echo(str(problem))
        click.echo(f"{len(report.problems)} problem(s); nothing was imported", err=True)
        sys.exit(1)
    if dry_run:
        click.echo("valid; nothing written (--dry-run)")
        return
    click.echo(report.summary())
    _bring_search_up_to_date()


def _bring_search_up_to_date() -> None:
    """Apply the import to the search index (the CLI is not a request: it may write it)."""
    from dx_match.search.service import search_service

    service = search_service()
    changed = service.drain() if service.backend.has_index() else service.rebuild()
    click.echo(f"search index: {changed} tools updated")


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Write .json files instead of .yaml.")
@with_appcontext
def export_command(directory: Path, as_json: bool) -> None:
    """Write the catalog out in the exchange format."""
    from dx_match.catalog.exchange import export_catalog

    for path in export_catalog(directory, suffix=".json" if as_json else ".yaml"):
        click.echo(str(path))


def _print_demo_users() -> None:
    """Create the demo accounts (development only) and say how to log in with them."""
    from dx_match.accounts.demo import DEMO_PASSWORD, ensure_demo_users

    env = current_app.config["DX_ENV"]
    if env != "development":
        click.echo(f"no demo accounts with DX_ENV={env}; create one with `dx-match user create`")
        return
    click.echo(f"demo accounts (password {DEMO_PASSWORD!r}; development only):")
    for email, role in ensure_demo_users(env):
        click.echo(f"  {role:8} {email}")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the database and exit.")
@with_appcontext
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Initialise the database, load the demo catalog and serve the site."""
    from dx_match.catalog.exchange import import_catalog

    init_database()
    report = import_catalog(DEMO_CATALOG)
    if not report.ok:
        for problem in report.problems:
            click.echo(str(problem))
        sys.exit(1)
    click.echo(report.summary())
    from dx_match.advisory.demo import seed_contract_rules

    seed_contract_rules()
    _bring_search_up_to_date()
    _print_demo_users()
    if current_app.config["DX_ENV"] == "development":
        from datetime import date

        from dx_match.reviews.demo import ensure_demo_feedback

        if ensure_demo_feedback(date.today()):
            _bring_search_up_to_date()  # the demo reviews change average ratings
    # Nothing of this command's session may stay open while the server runs (SQLite locks).
    db.session.remove()
    if no_serve:
        return
    from werkzeug.serving import run_simple

    from dx_match.search.service import start_indexer_thread

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    start_indexer_thread(app)  # listing edits reach search without a separate worker
    click.echo(f"dx_match is running at http://{host}:{port}/  (Ctrl+C to stop)")
    # Flask refuses app.run() inside its own CLI; the development server is werkzeug's anyway.
    run_simple(host, port, app, threaded=True)
