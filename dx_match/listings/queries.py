"""Reads for the dashboards and the moderation queue, and the forms' choices."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from dx_match.catalog.models import Course, Subsidy, Tool
from dx_match.extensions import db
from dx_match.i18n import localized
from dx_match.listings.models import ListingRevision
from dx_match.taxonomy.models import Term


def term_choices(kind: str, lang: str) -> list[SelectChoice]:
    """(code, "code — label") for every term of a kind, in code order."""
    rows = db.session.execute(
        sa.select(Term.code, Term.name).where(Term.kind == kind).order_by(Term.code)
    )
    return [SelectChoice(code, f"{code} — {localized(name, lang)}") for code, name in rows]


def subsidy_choices(lang: str) -> list[SelectChoice]:
    """(slug, name) of every subsidy programme."""
    rows = db.session.execute(sa.select(Subsidy.slug, Subsidy.name).order_by(Subsidy.slug))
    return [SelectChoice(slug, localized(name, lang)) for slug, name in rows]


def set_choices(kind: str, form: Any, lang: str) -> None:
    """Fill the form's taxonomy and subsidy choices (the codes are validated against them)."""
    form.functions.choices = term_choices("functions", lang)
    form.subsidies.choices = subsidy_choices(lang)
    if kind == "tool":
        form.industries.choices = term_choices("industries", lang)
    else:
        form.skills.choices = term_choices("skills", lang)


def vendor_listings(kind: str, vendor_id: int) -> list[Tool] | list[Course]:
    """A vendor's live tools (or a provider's courses), every status."""
    if kind == "tool":
        return list(
            db.session.scalars(
                sa.select(Tool).where(Tool.vendor_id == vendor_id).order_by(Tool.slug)
            )
        )
    return list(
        db.session.scalars(
            sa.select(Course).where(Course.provider_id == vendor_id).order_by(Course.slug)
        )
    )


def vendor_revisions(vendor_id: int) -> list[ListingRevision]:
    """A vendor's revisions, newest first."""
    return list(
        db.session.scalars(
            sa.select(ListingRevision)
            .where(ListingRevision.vendor_id == vendor_id)
            .order_by(ListingRevision.updated_at.desc(), ListingRevision.id.desc())
            .limit(200)
        )
    )


def pending_revisions() -> list[ListingRevision]:
    """The moderation queue: pending revisions, oldest first (first come, first reviewed)."""
    return list(
        db.session.scalars(
            sa.select(ListingRevision)
            .where(ListingRevision.state == "pending")
            .options(selectinload(ListingRevision.vendor), selectinload(ListingRevision.author))
            .order_by(ListingRevision.updated_at, ListingRevision.id)
        )
    )
