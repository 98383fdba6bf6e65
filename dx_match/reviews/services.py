"""Every write of reviews: write or edit, report, hide/unhide, the vendor's reply.

A review changes its tool's average rating, which search sorts and filters by, so each write
also queues the tool in the search outbox in the same commit; after it, the review detectors
rescan the tool and its vendor.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from dx_match.accounts.models import User
from dx_match.accounts.permissions import require_role
from dx_match.accounts.services import FieldProblem
from dx_match.audit import services as audit
from dx_match.catalog.models import Tool
from dx_match.config import UI_LANGUAGES
from dx_match.db import utcnow
from dx_match.errors import Conflict, Forbidden, NotFound
from dx_match.extensions import db
from dx_match.inquiries import queries as inquiry_queries
from dx_match.inquiries.services import find_listing
from dx_match.reviews import fraud_facts, profiles
from dx_match.reviews.adoptions import adoption_of
from dx_match.reviews.models import Adoption, Review, ReviewReport
from dx_match.search.models import SearchOutbox

BODY_MAX = 5000
REASON_MAX = 1000
MAX_WEEKS = 520


class ReviewRefused(Forbidden):
    """The actor may not review this tool; the message says why, for the page to show."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class ReviewInput:
    """What the review form sends (ratings 1-5, weeks to go live optional)."""

    overall: int | None
    ease: int | None
    value: int | None
    support: int | None
    weeks_to_live: int | None
    body: str
    lang: str
    show_name: bool = False


def reviewable(actor: User | None, slug: str) -> tuple[Tool, Adoption, Review | None]:
    """The tool, the actor's confirmed adoption and its review (if any); ReviewRefused otherwise."""
    if actor is None or actor.role != "sme" or not actor.active:
        raise ReviewRefused(_l("Only companies that use a tool can review it."))
    tool = find_listing("tool", slug)
    assert isinstance(tool, Tool)
    adoption = adoption_of(actor.organisation_id, tool.id)
    if adoption is None:
        raise ReviewRefused(
            _l(
                "Reviews come from verified adopters: first record that your company uses"
                " this tool."
            )
        )
    if adoption.confirmed_at is None:
        raise ReviewRefused(
            _l(
                "Your adoption of this tool is waiting for confirmation; you can review it"
                " once it is confirmed."
            )
        )
    existing = db.session.scalar(
        sa.select(Review).where(
            Review.organisation_id == adoption.organisation_id, Review.tool_id == tool.id
        )
    )
    return tool, adoption, existing


def _rating(value: int | None, field: str) -> int:
    if value is None or not 1 <= value <= 5:
        raise FieldProblem(field, _l("Choose from 1 to 5."))
    return value


def _check(data: ReviewInput) -> dict[str, object]:
    ratings = {
        name: _rating(getattr(data, name), name) for name in ("overall", "ease", "value", "support")
    }
    if data.weeks_to_live is not None and not 0 <= data.weeks_to_live <= MAX_WEEKS:
        raise FieldProblem("weeks_to_live", _l("Give a number of weeks from 0 to 520."))
    body = (data.body or "").strip()
    if len(body) > BODY_MAX:
        raise FieldProblem("body", _l("Use at most 5000 characters."))
    lang = data.lang if data.lang in UI_LANGUAGES else "en"
    return {
        **ratings,
        "weeks_to_live": data.weeks_to_live,
        "body": body,
        "lang": lang,
        "show_name": data.show_name,
    }


def save_review(actor: User | None, slug: str, data: ReviewInput) -> Review:
    """Write the organisation's review of the tool, or edit it: one per organisation and tool."""
    tool, adoption, review = reviewable(actor, slug)
    assert actor is not None
    values = _check(data)
    if review is None:
        review = Review(organisation_id=adoption.organisation_id, tool=tool, adoption=adoption)
        db.session.add(review)
    for name, value in values.items():
        setattr(review, name, value)
    review.author_id = actor.id
    review.industry_section, review.size_band = profiles.facts(adoption.organisation_id)
    db.session.add(SearchOutbox(tool_id=tool.id))
    db.session.commit()
    fraud_facts.rescan(review)
    return review


def visible_review(review_id: int) -> Review:
    """A review shown on its (published) tool's page; NotFound when hidden or gone."""
    review = db.session.get(Review, review_id)
    if review is None or review.hidden or review.tool.status != "published":
        raise NotFound("review")
    return review


def report(actor: User | None, review_id: int, reason: str) -> ReviewReport:
    """Anyone signed in reports a review, saying why (reporting again updates the reason)."""
    if actor is None or not actor.active:
        raise Forbidden("sign in to report a review")
    review = visible_review(review_id)
    text = (reason or "").strip()
    if not text:
        raise FieldProblem("reason", _l("Say what is wrong with this review."))
    if len(text) > REASON_MAX:
        raise FieldProblem("reason", _l("Use at most 1000 characters."))
    existing = db.session.scalar(
        sa.select(ReviewReport).where(
            ReviewReport.review_id == review.id, ReviewReport.reporter_id == actor.id
        )
    )
    if existing is None:
        existing = ReviewReport(review=review, reporter_id=actor.id, reason=text)
        db.session.add(existing)
    else:
        existing.reason, existing.resolved_at = text, None
    db.session.commit()
    fraud_facts.rescan(review)
    return existing


def moderate(actor: User | None, review_id: int, *, hide: bool, reason: str) -> Review:
    """An admin hides or shows a review again, with a reason (audit log); reports are resolved."""
    admin = require_role(actor, "admin")
    review = db.session.get(Review, review_id)
    if review is None:
        raise NotFound("review")
    text = (reason or "").strip()
    if not text:
        raise FieldProblem("reason", _l("Give a reason."))
    review.hidden = hide
    review.moderation_reason = text
    now = utcnow()
    for item in review.reports:
        if item.resolved_at is None:
            item.resolved_at = now
    audit.record(
        admin,
        "review.hide" if hide else "review.unhide",
        "review",
        review.id,
        {"reason": text, "tool": review.tool.slug},
    )
    db.session.add(SearchOutbox(tool_id=review.tool_id))
    db.session.commit()
    fraud_facts.rescan(review)
    return review


def review_by_id(review_id: int) -> Review | None:
    """A review, hidden or not."""
    return db.session.get(Review, review_id)


def require_replier(actor: User | None, review: Review) -> None:
    """NotFound unless the actor speaks for the reviewed tool's vendor."""
    vendor_id = inquiry_queries.owned_vendor_id(actor)
    if vendor_id is None or vendor_id != review.tool.vendor_id:
        raise NotFound("review")


def reply(actor: User | None, review_id: int, body: str) -> Review:
    """The tool's vendor answers a review, once (NotFound for other vendors)."""
    review = visible_review(review_id)
    require_replier(actor, review)
    if review.reply_body is not None:
        raise Conflict("this review has a reply already")
    text = (body or "").strip()
    if not text:
        raise FieldProblem("body", _l("Write a reply."))
    if len(text) > BODY_MAX:
        raise FieldProblem("body", _l("Use at most 5000 characters."))
    assert actor is not None
    review.reply_body, review.reply_at, review.reply_author_id = text, utcnow(), actor.id
    db.session.commit()
    return review
