"""Read reviews into the review detectors' facts, and rescan after a review changes."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from dx_match.accounts.models import Organisation, User
from dx_match.catalog.models import Tool, Vendor
from dx_match.extensions import db
from dx_match.reviews import fraud
from dx_match.reviews.models import Review, ReviewReport
from dx_match.trust.facts import Scope
from dx_match.trust.registry import Detector, register

log = logging.getLogger(__name__)
DETECTORS = ("flagged_reviews", "review_burst")


def vendor_review_facts(scope: Scope) -> list[fraud.VendorReviewFacts]:
    """Per vendor (in scope): its tools' reviews, and how many were reported or hidden."""
    reported = sa.exists().where(ReviewReport.review_id == Review.id)
    flagged = sa.func.sum(sa.case((sa.or_(Review.hidden, reported), 1), else_=0))
    query = (
        sa.select(Vendor.slug, sa.func.count(Review.id), flagged)
        .join(Tool, Tool.vendor_id == Vendor.id)
        .join(Review, Review.tool_id == Tool.id)
        .group_by(Vendor.slug)
        .order_by(Vendor.slug)
    )
    if scope.vendors is not None:
        query = query.where(Vendor.slug.in_(scope.vendors))
    return [
        fraud.VendorReviewFacts(slug, int(n), int(f or 0))
        for slug, n, f in db.session.execute(query)
    ]


def tool_review_facts(scope: Scope) -> list[fraud.ToolReviewFacts]:
    """Per published tool (in scope): its reviews with their authors' account ages."""
    query = (
        sa.select(Tool.slug, Review.id, Review.created_at, User.created_at, Organisation.created_at)
        .join(Review, Review.tool_id == Tool.id)
        .join(Organisation, Organisation.id == Review.organisation_id)
        .outerjoin(User, User.id == Review.author_id)
        .where(Tool.status == "published")
        .order_by(Tool.slug, Review.id)
    )
    if scope.tools is not None:
        query = query.where(Tool.slug.in_(scope.tools))
    stamps: dict[str, list[fraud.ReviewStamp]] = {}
    for slug, review_id, written, account, organisation in db.session.execute(query):
        stamps.setdefault(slug, []).append(
            fraud.ReviewStamp(review_id, written, account, organisation)
        )
    return [fraud.ToolReviewFacts(slug, tuple(items)) for slug, items in stamps.items()]


def rescan(review: Review) -> None:
    """Run the review detectors on the review's tool and vendor (cheap), after its commit.

    The review is saved already: a failing scan is logged, and `dx-match trust scan` catches up.
    """
    from dx_match.trust.services import scan

    tool = review.tool
    try:
        scan(Scope(tools={tool.slug}, vendors={tool.vendor.slug}), list(DETECTORS))
    except Exception:  # pragma: no cover - logged; the nightly scan repeats it
        db.session.rollback()
        log.exception("trust scan after a change to review %s failed", review.id)


def register_detectors() -> None:
    """Add the review detectors to the trust registry."""
    register(Detector("flagged_reviews", vendor_review_facts, fraud.flagged_reviews))
    register(Detector("review_burst", tool_review_facts, fraud.review_bursts))
