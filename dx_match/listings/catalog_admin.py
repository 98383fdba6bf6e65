"""Admins' edits of taxonomy terms and subsidies, through the importer's rules and writer."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from dx_match import audit
from dx_match.accounts.models import User
from dx_match.accounts.permissions import require_role
from dx_match.catalog import canonical
from dx_match.catalog.exchange import known_from_database, upsert_row, upsert_term
from dx_match.catalog.models import Subsidy
from dx_match.catalog.validation import check_subsidy, check_term
from dx_match.extensions import db
from dx_match.listings.models import NEW_BASE
from dx_match.listings.rows import fingerprint, to_json, unsafe_text
from dx_match.listings.services import ListingInvalid, StaleEdit
from dx_match.taxonomy.models import TERM_KINDS, Term

UI_LANGUAGES = ("en", "zh-TW", "ja")


def subsidy(slug: str) -> Subsidy | None:
    """A subsidy by slug."""
    return db.session.scalar(sa.select(Subsidy).where(Subsidy.slug == slug))


def subsidy_base(slug: str | None) -> str:
    """The optimistic-lock base of a subsidy: its row's fingerprint, or NEW_BASE."""
    found = subsidy(slug) if slug else None
    return fingerprint(canonical.subsidy_row(found) if found else None, NEW_BASE)


def subsidy_form_row(slug: str) -> dict[str, Any] | None:
    """A subsidy's row as JSON values, for its edit form."""
    found = subsidy(slug)
    return to_json(canonical.subsidy_row(found)) if found else None


def save_subsidy(
    actor: User | None,
    raw: dict[str, Any],
    *,
    base: str,
    slug: str | None = None,
    contract_after_grant: bool | None = None,
) -> Subsidy:
    """Create or update a subsidy (every field, the verified_at stamp included).

    `contract_after_grant` is our own setting, outside the exchange format: None keeps it.
    """
    require_role(actor, "admin")
    if slug is not None:
        raw = raw | {"slug": slug}
    if problems := unsafe_text(raw):
        raise ListingInvalid(problems)
    row, problems = check_subsidy(raw, known_from_database())
    if slug is None and row.get("slug") and subsidy(row["slug"]) is not None:
        problems.append(("slug", str(_l("A subsidy with this slug exists; edit it instead."))))
    if problems:
        raise ListingInvalid(problems)
    current = subsidy_base(row["slug"])
    if current != base:
        raise StaleEdit(str(_l("The subsidy changed since you began editing it.")), current)
    outcome = upsert_row("subsidies", row)
    audit.record(actor, f"subsidy.{outcome}", "subsidy", row["slug"])
    found = subsidy(row["slug"])
    assert found is not None
    if contract_after_grant is not None and found.contract_after_grant != contract_after_grant:
        found.contract_after_grant = contract_after_grant
        audit.record(
            actor,
            "subsidy.contract_rule",
            "subsidy",
            found.slug,
            {"contract_after_grant": contract_after_grant},
        )
    db.session.commit()
    return found


def add_term(actor: User | None, kind: str, raw: dict[str, Any]) -> Term:
    """Add a taxonomy term; it needs a label in each of the site's languages."""
    require_role(actor, "admin")
    if kind not in TERM_KINDS:
        raise ListingInvalid([("kind", f"{kind!r} is not one of: {', '.join(TERM_KINDS)}")])
    if problems := unsafe_text(raw):
        raise ListingInvalid(problems)
    codes = set(db.session.scalars(sa.select(Term.code).where(Term.kind == kind)))
    row, problems = check_term(raw, kind, codes)
    given = raw.get("name")
    name: dict[str, Any] = given if isinstance(given, dict) else {}
    missing = [lang for lang in UI_LANGUAGES if not name.get(lang)]
    if missing:
        problems.append(
            (
                "name",
                str(_l("Give the label in every language: %(langs)s.", langs=", ".join(missing))),
            )
        )
    if row.get("code") in codes:
        problems.append(("code", str(_l("This code exists already."))))
    if problems:
        raise ListingInvalid(problems)
    upsert_term(kind, row)
    audit.record(actor, "term.create", kind, row["code"], {"name": row["name"]})
    db.session.commit()
    term = db.session.scalar(sa.select(Term).where(Term.kind == kind, Term.code == row["code"]))
    assert term is not None
    return term


def extra_terms() -> list[Term]:
    """The terms admins (or partner catalogs) added to the built-in taxonomy."""
    return list(
        db.session.scalars(
            sa.select(Term).where(Term.builtin.is_(False)).order_by(Term.kind, Term.code)
        )
    )


def subsidies() -> list[Subsidy]:
    """Every subsidy, least recently verified first (what most needs checking)."""
    return list(
        db.session.scalars(
            sa.select(Subsidy).order_by(
                Subsidy.verified_at.is_not(None), Subsidy.verified_at, Subsidy.slug
            )
        )
    )
