"""Read side of inquiries: inboxes, threads, unread counts, leads and weekly statistics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from dx_match.accounts.models import User
from dx_match.catalog.models import Course, Tool
from dx_match.extensions import db
from dx_match.inquiries import stats
from dx_match.inquiries.models import Inquiry, InquiryMessage, ListingView


def owned_vendor_id(actor: User | None) -> int | None:
    """The catalog vendor row the actor's vendor or training organisation owns, if any."""
    if actor is None or actor.role not in {"vendor", "trainer"} or actor.organisation is None:
        return None
    return actor.organisation.vendor_id


def _asker_filter(actor: User) -> sa.ColumnElement[bool]:
    """The inquiries an SME user sees as the asker: its own and its organisation's."""
    mine = Inquiry.asker_id == actor.id
    if actor.organisation_id is not None and actor.role == "sme":
        return sa.or_(mine, Inquiry.asker_organisation_id == actor.organisation_id)
    return mine


def side_of(actor: User | None, inquiry: Inquiry) -> str | None:
    """'vendor' or 'asker' when the actor is one of the two sides of the inquiry, else None."""
    if actor is None:
        return None
    vendor_id = owned_vendor_id(actor)
    if vendor_id is not None and vendor_id == inquiry.vendor_id:
        return "vendor"
    if inquiry.asker_id == actor.id:
        return "asker"
    if (
        actor.role == "sme"
        and actor.organisation_id is not None
        and actor.organisation_id == inquiry.asker_organisation_id
    ):
        return "asker"
    return None


def inbox_side(actor: User) -> str:
    """Which inbox the actor has: a vendor's or trainer's (incoming) or an asker's."""
    return "vendor" if owned_vendor_id(actor) is not None else "asker"


def _inbox_filter(actor: User) -> sa.ColumnElement[bool]:
    vendor_id = owned_vendor_id(actor)
    if vendor_id is not None:
        return Inquiry.vendor_id == vendor_id
    return _asker_filter(actor)


def _unread_filter(side: str) -> sa.ColumnElement[bool]:
    """The last message came from the other side, after this side last marked the thread."""
    other = "asker" if side == "vendor" else "vendor"
    seen = Inquiry.vendor_seen_at if side == "vendor" else Inquiry.asker_seen_at
    return sa.and_(
        Inquiry.last_author == other,
        sa.or_(seen.is_(None), seen < Inquiry.last_message_at),
    )


def inbox(actor: User, status: str | None = None) -> list[Inquiry]:
    """The actor's inquiries, newest activity first, with what the list shows loaded."""
    query = (
        sa.select(Inquiry)
        .where(_inbox_filter(actor))
        .options(joinedload(Inquiry.tool), joinedload(Inquiry.course), joinedload(Inquiry.vendor))
        .order_by(Inquiry.last_message_at.desc(), Inquiry.id.desc())
    )
    if status:
        query = query.where(Inquiry.status == status)
    return list(db.session.scalars(query))


def status_counts(actor: User) -> dict[str, int]:
    """How many of the actor's inquiries are in each status."""
    rows = db.session.execute(
        sa.select(Inquiry.status, sa.func.count())
        .where(_inbox_filter(actor))
        .group_by(Inquiry.status)
    )
    return {str(status): int(count) for status, count in rows}


def unread_ids(actor: User) -> set[int]:
    """Ids of the actor's inquiries with a message it has not marked read."""
    side = inbox_side(actor)
    query = sa.select(Inquiry.id).where(_inbox_filter(actor), _unread_filter(side))
    return set(db.session.scalars(query))


def unread_count(actor: User) -> int:
    """How many of the actor's inquiries have news for it (the number next to "Inbox")."""
    side = inbox_side(actor)
    query = sa.select(sa.func.count()).where(_inbox_filter(actor), _unread_filter(side))
    return int(db.session.scalar(query) or 0)


def thread(inquiry_id: int) -> Inquiry | None:
    """An inquiry with its messages, listing and vendor."""
    query = (
        sa.select(Inquiry)
        .where(Inquiry.id == inquiry_id)
        .options(
            selectinload(Inquiry.messages).joinedload(InquiryMessage.user),
            joinedload(Inquiry.tool),
            joinedload(Inquiry.course),
            joinedload(Inquiry.vendor),
        )
    )
    return db.session.scalars(query).unique().one_or_none()


@dataclass(frozen=True)
class ListingStats:
    """One listing's weekly views and inquiries."""

    kind: str
    listing: Tool | Course
    views: list[int]
    inquiries: list[int]


def vendor_listings(vendor_id: int) -> list[tuple[str, Tool | Course]]:
    """Every tool and course of the vendor (any moderation status), by slug."""
    tools = db.session.scalars(
        sa.select(Tool).where(Tool.vendor_id == vendor_id).order_by(Tool.slug)
    )
    courses = db.session.scalars(
        sa.select(Course).where(Course.provider_id == vendor_id).order_by(Course.slug)
    )
    return [("tool", t) for t in tools] + [("course", c) for c in courses]


def listing_stats(
    vendor_id: int, today: date, weeks: int = stats.WEEKS
) -> tuple[list[date], list[ListingStats]]:
    """Views and inquiries per week over the last `weeks` weeks, per listing of the vendor."""
    starts = stats.week_starts(today, weeks)
    listings = vendor_listings(vendor_id)
    ids: dict[str, Sequence[int]] = {
        kind: [row.id for k, row in listings if k == kind] for kind in ("tool", "course")
    }
    views: dict[tuple[str, int], list[tuple[date, int]]] = {}
    view_rows = db.session.execute(
        sa.select(
            ListingView.kind, ListingView.listing_id, ListingView.day, ListingView.views
        ).where(
            ListingView.day >= starts[0],
            sa.or_(
                sa.and_(ListingView.kind == "tool", ListingView.listing_id.in_(ids["tool"])),
                sa.and_(ListingView.kind == "course", ListingView.listing_id.in_(ids["course"])),
            ),
        )
    )
    for kind, listing_id, day, count in view_rows:
        views.setdefault((kind, listing_id), []).append((day, count))
    asked: dict[tuple[str, int], list[tuple[date, int]]] = {}
    inquiry_rows = db.session.execute(
        sa.select(Inquiry.tool_id, Inquiry.course_id, Inquiry.created_at).where(
            Inquiry.vendor_id == vendor_id
        )
    )
    for tool_id, course_id, created in inquiry_rows:
        key = ("tool", tool_id) if tool_id is not None else ("course", course_id or 0)
        asked.setdefault(key, []).append((created.date(), 1))
    result = [
        ListingStats(
            kind,
            row,
            stats.weekly(views.get((kind, row.id), []), starts),
            stats.weekly(asked.get((kind, row.id), []), starts),
        )
        for kind, row in listings
    ]
    return starts, result


def course_interest(vendor_id: int) -> list[Inquiry]:
    """Enrolment and interest requests for the vendor's (trainer's) courses, newest first."""
    query = (
        sa.select(Inquiry)
        .where(
            Inquiry.vendor_id == vendor_id,
            Inquiry.course_id.is_not(None),
            Inquiry.kind.in_(("enrol", "interest")),
        )
        .options(joinedload(Inquiry.course), joinedload(Inquiry.asker_organisation))
        .order_by(Inquiry.created_at.desc(), Inquiry.id.desc())
    )
    return list(db.session.scalars(query))
