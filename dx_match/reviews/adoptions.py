"""Adoptions: every source writes an Adoption row; the other side confirms it.

Sources: an SME declares it uses a tool (the vendor confirms); a vendor marks an inquiry
"became a customer" (the SME confirms); the advisor workspace records one through
`record_adoption(source="advisor")`. Only confirmed adoptions allow reviews and outcome reports.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from dx_match.accounts.models import User
from dx_match.accounts.permissions import require_role
from dx_match.accounts.services import FieldProblem
from dx_match.catalog.models import Tool
from dx_match.db import utcnow
from dx_match.errors import NotFound
from dx_match.extensions import db
from dx_match.i18n import localized
from dx_match.inquiries import queries as inquiry_queries
from dx_match.inquiries.services import find_listing, vendor_members
from dx_match.notify.services import queue_mail
from dx_match.reviews.models import SOURCES, Adoption


def adoption_of(organisation_id: int | None, tool_id: int) -> Adoption | None:
    """The organisation's adoption of the tool, confirmed or not."""
    if organisation_id is None:
        return None
    return db.session.scalar(
        sa.select(Adoption).where(
            Adoption.organisation_id == organisation_id, Adoption.tool_id == tool_id
        )
    )


def record_adoption(
    organisation_id: int,
    tool: Tool,
    since: date,
    source: str,
    recorded_by: User | None,
    *,
    confirmed_by: User | None = None,
) -> Adoption:
    """Add (or return) the organisation's adoption of the tool; the caller commits.

    The one entry point for every source (the advisor workspace calls it with "advisor").
    An existing row keeps its source; a confirmation given here confirms it.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown adoption source {source!r}")
    adoption = adoption_of(organisation_id, tool.id)
    if adoption is None:
        adoption = Adoption(
            organisation_id=organisation_id,
            tool=tool,
            since=since,
            source=source,
            recorded_by=recorded_by,
        )
        db.session.add(adoption)
    if confirmed_by is not None and adoption.confirmed_at is None:
        adoption.confirmed_at = utcnow()
        adoption.confirmed_by_id = confirmed_by.id
    db.session.flush()
    return adoption


def _check_since(since: date | None, today: date) -> date:
    if since is None:
        raise FieldProblem("since", _l("Give the day you started using the tool."))
    if since > today:
        raise FieldProblem("since", _l("The day cannot be in the future."))
    return since


def declare(actor: User | None, slug: str, since: date | None, today: date) -> Adoption:
    """An SME member says its organisation uses the tool; the vendor is asked to confirm."""
    user = require_role(actor, "sme")
    if user.organisation_id is None:
        raise FieldProblem("since", _l("Your account has no organisation."))
    tool = find_listing("tool", slug)
    assert isinstance(tool, Tool)
    adoption = record_adoption(
        user.organisation_id, tool, _check_since(since, today), "declared", user
    )
    if adoption.confirmed_at is None and adoption.source == "declared":
        adoption.since = _check_since(since, today)
        link = url_for("reviews.vendor_adoptions", _external=True)
        for member in vendor_members(tool.vendor_id):
            queue_mail(
                member.email,
                "adoption_declared",
                _l("A customer says it uses %(tool)s", tool=localized(tool.name, member.locale)),
                member.locale,
                tool=localized(tool.name, member.locale),
                organisation=adoption.organisation.name,
                link=link,
            )
    db.session.commit()
    return adoption


def mark_customer_allowed(actor: User | None, inquiry_id: int) -> None:
    """NotFound unless the actor is the vendor side of the inquiry."""
    inquiry = inquiry_queries.thread(inquiry_id)
    if inquiry is None or inquiry_queries.side_of(actor, inquiry) != "vendor":
        raise NotFound("inquiry")


def mark_customer(actor: User | None, inquiry_id: int, since: date | None, today: date) -> Adoption:
    """The vendor marks an inquiry "became a customer"; the asking SME is asked to confirm."""
    mark_customer_allowed(actor, inquiry_id)
    inquiry = inquiry_queries.thread(inquiry_id)
    assert inquiry is not None
    if inquiry.tool is None or inquiry.asker_organisation_id is None:
        raise FieldProblem(
            "since",
            _l("Only an inquiry about a tool from a signed-in company can become a customer."),
        )
    assert actor is not None
    existing = adoption_of(inquiry.asker_organisation_id, inquiry.tool.id)
    # The SME declared it already: the vendor's word confirms it.
    confirm_now = existing is not None and existing.source == "declared"
    adoption = record_adoption(
        inquiry.asker_organisation_id,
        inquiry.tool,
        _check_since(since, today),
        "inquiry",
        actor,
        confirmed_by=actor if confirm_now else None,
    )
    if adoption.inquiry_id is None and adoption.source == "inquiry":
        adoption.inquiry_id = inquiry.id
    if adoption.confirmed_at is None and inquiry.asker is not None:
        locale = inquiry.asker.locale
        queue_mail(
            inquiry.asker.email,
            "adoption_to_confirm",
            _l("Please confirm that you use %(tool)s", tool=localized(inquiry.tool.name, locale)),
            locale,
            tool=localized(inquiry.tool.name, locale),
            link=url_for("reviews.my_adoptions", _external=True),
        )
    db.session.commit()
    return adoption


def confirming_side(actor: User | None, adoption: Adoption) -> bool:
    """Whether the actor speaks for the side that confirms this adoption."""
    if actor is None or not actor.active:
        return False
    if adoption.source == "declared":
        vendor_id = inquiry_queries.owned_vendor_id(actor)
        return vendor_id is not None and vendor_id == adoption.tool.vendor_id
    return actor.role == "sme" and actor.organisation_id == adoption.organisation_id


def confirm(actor: User | None, adoption_id: int) -> Adoption:
    """The other side confirms the adoption (NotFound for anyone else)."""
    adoption = db.session.get(Adoption, adoption_id)
    if adoption is None or not confirming_side(actor, adoption):
        raise NotFound("adoption")
    assert actor is not None
    if adoption.confirmed_at is None:
        adoption.confirmed_at = utcnow()
        adoption.confirmed_by_id = actor.id
    db.session.commit()
    return adoption


def for_vendor(actor: User | None) -> list[Adoption]:
    """Adoptions of the actor's vendor's tools, newest first."""
    vendor_id = inquiry_queries.owned_vendor_id(require_role(actor, "vendor"))
    if vendor_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Adoption)
            .join(Tool, Adoption.tool_id == Tool.id)
            .where(Tool.vendor_id == vendor_id)
            .order_by(Adoption.confirmed_at.is_not(None), Adoption.id.desc())
        )
    )


def for_organisation(actor: User | None) -> list[Adoption]:
    """The actor's organisation's adoptions, newest first."""
    user = require_role(actor, "sme")
    if user.organisation_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Adoption)
            .where(Adoption.organisation_id == user.organisation_id)
            .order_by(Adoption.id.desc())
        )
    )
