"""Read side of reviews and outcomes: what a tool page shows, the moderation queue, signals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from dx_match.catalog.pricing import convert
from dx_match.extensions import db
from dx_match.reviews.aggregates import (
    Group,
    GroupKey,
    Observation,
    RatingSummary,
    groups,
    rating_summary,
)
from dx_match.reviews.models import RATING_FIELDS, OutcomeReport, Review, ReviewReport

PAGE_SIZE = 10


def _visible(tool_id: int | None = None) -> sa.Select[Any]:
    query = sa.select(Review).where(Review.hidden.is_(False))
    if tool_id is not None:
        query = query.where(Review.tool_id == tool_id)
    return query


def _observation(review: Review) -> Observation:
    values = {name: float(getattr(review, name)) for name in RATING_FIELDS}
    if review.weeks_to_live is not None:
        values["weeks_to_live"] = float(review.weeks_to_live)
    return Observation(review.organisation_id, review.industry_section, review.size_band, values)


def tool_ratings(tool_id: int) -> RatingSummary:
    """The tool's rating summary over its visible reviews."""
    reviews = db.session.scalars(_visible(tool_id).order_by(Review.id))
    return rating_summary([_observation(r) for r in reviews])


def tool_reviews(tool_id: int, page: int) -> tuple[list[Review], int]:
    """One page of the tool's visible reviews, newest first, and the number of pages."""
    total = (
        db.session.scalar(sa.select(sa.func.count()).select_from(_visible(tool_id).subquery())) or 0
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(
        _visible(tool_id)
        .options(selectinload(Review.organisation))
        .order_by(Review.updated_at.desc(), Review.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return list(rows), pages


def ratings_by_tool(ids: Sequence[int] | None = None) -> dict[int, tuple[float, int]]:
    """(average overall rating, count) of visible reviews per tool (these ids, or all)."""
    query = sa.select(Review.tool_id, sa.func.avg(Review.overall), sa.func.count()).where(
        Review.hidden.is_(False)
    )
    if ids is not None:
        query = query.where(Review.tool_id.in_(list(ids)))
    rows = db.session.execute(query.group_by(Review.tool_id))
    return {tool_id: (float(avg), int(count)) for tool_id, avg, count in rows}


def _outcome_observations(
    tool_id: int | None, rates: Mapping[str, Decimal]
) -> dict[int, list[Observation]]:
    """Outcome reports as observations per tool (costs in base units), oldest first."""
    query = sa.select(OutcomeReport).order_by(OutcomeReport.milestone, OutcomeReport.updated_at)
    if tool_id is not None:
        query = query.where(OutcomeReport.tool_id == tool_id)
    found: dict[int, list[Observation]] = {}
    for report in db.session.scalars(query):
        cost = (
            convert(report.monthly_cost, report.currency, "USD", rates)
            if report.currency in rates
            else None
        )
        values = {
            "hours_saved": float(report.hours_saved),
            "still_using": 1.0 if report.still_using else 0.0,
            **{k: float(v) for k, v in (report.measures or {}).items()},
        }
        if cost is not None:
            values["monthly_cost"] = float(cost)
        found.setdefault(report.tool_id, []).append(
            Observation(report.organisation_id, report.industry_section, report.size_band, values)
        )
    return found


def tool_outcomes(tool_id: int, rates: Mapping[str, Decimal]) -> dict[GroupKey, Group]:
    """The tool's outcome groups of at least 5 organisations (each counted by its last report)."""
    return groups(_outcome_observations(tool_id, rates).get(tool_id, []))


def hours_saved_by_section(rates: Mapping[str, Decimal]) -> dict[tuple[int, str], float]:
    """Median hours saved a month per (tool id, ISIC section), from groups of 5+ organisations."""
    result: dict[tuple[int, str], float] = {}
    for tool_id, observations in _outcome_observations(None, rates).items():
        for key, group in groups(observations).items():
            if key.section and key.band is None and "hours_saved" in group.medians:
                result[(tool_id, key.section)] = group.medians["hours_saved"]
    return result


def moderation_queue() -> tuple[list[Review], list[Review]]:
    """Reviews with unresolved reports (most reported first), and hidden reviews."""
    open_reports = (
        sa.select(ReviewReport.review_id, sa.func.count().label("n"))
        .where(ReviewReport.resolved_at.is_(None))
        .group_by(ReviewReport.review_id)
        .subquery()
    )
    reported = db.session.scalars(
        sa.select(Review)
        .join(open_reports, open_reports.c.review_id == Review.id)
        .options(selectinload(Review.reports), selectinload(Review.tool))
        .order_by(open_reports.c.n.desc(), Review.id)
    )
    hidden = db.session.scalars(
        sa.select(Review)
        .where(Review.hidden.is_(True))
        .options(selectinload(Review.reports), selectinload(Review.tool))
        .order_by(Review.updated_at.desc())
    )
    return list(reported), list(hidden)


def own_review(organisation_id: int, tool_id: int) -> list[Review]:
    """The organisation's review of the tool, hidden or not (a list of zero or one)."""
    return list(
        db.session.scalars(
            sa.select(Review).where(
                Review.organisation_id == organisation_id, Review.tool_id == tool_id
            )
        )
    )
