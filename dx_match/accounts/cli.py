"""`dx-match user ...`: create accounts from the command line (the first admin)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from dx_match.accounts.models import ROLES
from dx_match.extensions import db


@click.group("user")
def user_group() -> None:
    """Accounts."""


@user_group.command("create")
@click.option("--email", required=True, help="The account's e-mail address (its log-in).")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", "display_name", default="", help="The name shown on the site.")
@click.option("--organisation", "organisation_name", default=None, help="Its organisation's name.")
@click.option(
    "--vendor", "vendor_slug", default=None, help="Catalog vendor slug the organisation owns."
)
@click.option("--locale", type=click.Choice(["zh-TW", "ja", "en"]), default="en", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_command(  # noqa: PLR0917 - click passes every option positionally
    email: str,
    role: str,
    display_name: str,
    organisation_name: str | None,
    vendor_slug: str | None,
    locale: str,
    password_stdin: bool,
) -> None:
    """Create a confirmed account (e.g. the first admin); the password is prompted for."""
    import sqlalchemy as sa

    from dx_match.accounts.services import FieldProblem, create_user
    from dx_match.catalog.models import Vendor

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    vendor = None
    if vendor_slug:
        vendor = db.session.scalars(sa.select(Vendor).where(Vendor.slug == vendor_slug)).first()
        if vendor is None:
            raise click.BadParameter(f"no vendor with slug {vendor_slug!r}", param_hint="--vendor")
    try:
        user = create_user(
            email=email,
            password=password,
            role=role,
            display_name=display_name,
            organisation_name=organisation_name,
            vendor=vendor,
            locale=locale,
            confirmed=True,
        )
    except FieldProblem as problem:
        db.session.rollback()
        click.echo(f"error: {problem.field}: {problem.message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"created {user.role} {user.email} (id {user.id})")
    if user.needs_totp_setup:
        click.echo("they will be asked to set up two-step verification at first log-in")
