"""Read-side queries for the public pages, eager-loading what the templates touch.

The tool list itself is search's (dx_match/search/listing.py); these queries
serve the pages that show one item and the home page's counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql import Select

from dx_match.catalog.filters import CourseFilters, Vocabulary
from dx_match.catalog.models import (
    Course,
    Subsidy,
    Tool,
    ToolFunction,
    ToolIndustry,
    ToolLanguage,
    Vendor,
)
from dx_match.extensions import db
from dx_match.i18n import localized
from dx_match.taxonomy.codes import fits_region, function_covers, group_of
from dx_match.taxonomy.models import Term

PUBLISHED = "published"
WINDOW_ORDER = ("open", "upcoming", "closed")


def tool_loads() -> tuple[Any, ...]:
    """Everything a tool card, detail page or comparison reads."""
    return (
        joinedload(Tool.vendor),
        selectinload(Tool.plans),
        selectinload(Tool.function_links),
        selectinload(Tool.industry_links),
        selectinload(Tool.region_links),
        selectinload(Tool.language_links),
        selectinload(Tool.subsidies),
    )


def _course_loads() -> tuple[Any, ...]:
    return (
        joinedload(Course.provider),
        selectinload(Course.sessions),
        selectinload(Course.subsidies),
    )


def published_tools() -> Select[Tool]:
    """Published tools with everything a card shows."""
    return sa.select(Tool).where(Tool.status == PUBLISHED).options(*tool_loads())


def published_courses() -> Select[Course]:
    """Published courses with their provider, sessions and subsidies."""
    return sa.select(Course).where(Course.status == PUBLISHED).options(*_course_loads())


# -- vocabulary ----------------------------------------------------------------


def vocabulary() -> Vocabulary:
    """Every taxonomy code filters may use."""
    by_kind: dict[str, set[str]] = {}
    for kind, code in db.session.execute(sa.select(Term.kind, Term.code)):
        by_kind.setdefault(kind, set()).add(code)
    return Vocabulary(
        industries=frozenset(by_kind.get("industries", ())),
        functions=frozenset(by_kind.get("functions", ())),
        skills=frozenset(by_kind.get("skills", ())),
        regions=frozenset(by_kind.get("regions", ())),
    )


def terms(kind: str, parent: str | None = None) -> list[Term]:
    """The terms of a kind (children of `parent` when given), in taxonomy file order."""
    query = sa.select(Term).where(Term.kind == kind).order_by(Term.id)
    if parent is not None:
        query = query.where(Term.parent == parent)
    return list(db.session.scalars(query))


# -- tool list -----------------------------------------------------------------


@dataclass(frozen=True)
class ToolCard:
    """A tool in a list, with its monthly cost for the viewer."""

    tool: Tool
    monthly: Decimal | None
    #: Average overall rating of its visible verified reviews (None: none yet), and their count.
    rating: float | None = None
    rating_count: int = 0


def tool_languages() -> list[str]:
    """The UI languages published tools offer, most common first."""
    rows = db.session.execute(
        sa.select(ToolLanguage.code, sa.func.count())
        .join(Tool, Tool.id == ToolLanguage.tool_id)
        .where(Tool.status == PUBLISHED)
        .group_by(ToolLanguage.code)
        .order_by(sa.func.count().desc(), ToolLanguage.code)
    )
    return [code for code, _count in rows]


# -- home ------------------------------------------------------------------------


def function_counts() -> Counter[str]:
    """Published tools per function code and per function group."""
    rows = db.session.execute(
        sa.select(ToolFunction.tool_id, ToolFunction.code)
        .join(Tool, Tool.id == ToolFunction.tool_id)
        .where(Tool.status == PUBLISHED)
    )
    counts: Counter[str] = Counter()
    groups: dict[str, set[int]] = {}
    for tool_id, code in rows:
        counts[code] += 1
        groups.setdefault(group_of(code), set()).add(tool_id)
    counts.update({group: len(ids) for group, ids in groups.items()})
    return counts


def industry_counts(codes: Sequence[str]) -> dict[str, int]:
    """Published tools that fit each industry code (tools listing no industry fit all)."""
    tool_ids = set(db.session.scalars(sa.select(Tool.id).where(Tool.status == PUBLISHED)))
    listed: dict[int, list[str]] = {}
    for tool_id, code in db.session.execute(sa.select(ToolIndustry.tool_id, ToolIndustry.code)):
        if tool_id in tool_ids:
            listed.setdefault(tool_id, []).append(code)
    return {
        code: sum(
            1
            for tool_id in tool_ids
            if not listed.get(tool_id) or any(code.startswith(x) for x in listed[tool_id])
        )
        for code in codes
    }


def count_published_courses() -> int:
    """How many courses are public."""
    query = sa.select(sa.func.count()).select_from(Course).where(Course.status == PUBLISHED)
    return db.session.scalar(query) or 0


# -- single rows -----------------------------------------------------------------


def tool_by_slug(slug: str) -> Tool | None:
    """A published tool with everything its page shows, or None."""
    return db.session.scalars(published_tools().where(Tool.slug == slug)).unique().one_or_none()


def tools_by_slugs(slugs: Sequence[str]) -> dict[str, Tool]:
    """Published tools by slug (missing slugs are simply absent)."""
    rows = db.session.scalars(published_tools().where(Tool.slug.in_(slugs))).unique()
    return {tool.slug: tool for tool in rows}


def related_courses(tool: Tool, limit: int = 6) -> list[Course]:
    """Published courses that teach the tool, else ones sharing one of its functions."""
    query = published_courses().options(selectinload(Course.tools)).order_by(Course.slug)
    courses = list(db.session.scalars(query).unique())
    teaching = [c for c in courses if any(t.id == tool.id for t in c.tools)]
    if teaching:
        return teaching[:limit]
    functions = tool.functions
    sharing = [
        c
        for c in courses
        if any(function_covers(mine, theirs) for mine in c.functions for theirs in functions)
    ]

    def audience(course: Course) -> int:
        """Courses taught in a language of the tool's UI, then where it is sold, come first."""
        speaks = course.language in tool.languages
        nearby = course.region is None or fits_region(tool.regions, course.region)
        return -(2 * speaks + nearby)

    return sorted(sharing, key=audience)[:limit]


def vendor_by_slug(slug: str) -> Vendor | None:
    """A vendor, or None."""
    return db.session.scalars(sa.select(Vendor).where(Vendor.slug == slug)).one_or_none()


def vendor_tools(vendor: Vendor) -> list[Tool]:
    """The vendor's published tools."""
    query = published_tools().where(Tool.vendor_id == vendor.id).order_by(Tool.slug)
    return list(db.session.scalars(query).unique())


def vendor_courses(vendor: Vendor) -> list[Course]:
    """The vendor's published courses."""
    query = published_courses().where(Course.provider_id == vendor.id).order_by(Course.slug)
    return list(db.session.scalars(query).unique())


# -- subsidies -------------------------------------------------------------------


def subsidies_by_state(today: date, country: str | None = None) -> dict[str, list[Subsidy]]:
    """Subsidies grouped open / upcoming / closed on `today`, soonest deadline first."""
    rows = db.session.scalars(sa.select(Subsidy).order_by(Subsidy.slug))
    groups: dict[str, list[Subsidy]] = {state: [] for state in WINDOW_ORDER}
    for subsidy in rows:
        if country and not any(fits_region([region], country) for region in subsidy.regions):
            continue
        groups[subsidy.window_state(today)].append(subsidy)
    groups["open"].sort(key=lambda s: (s.closes or date.max, s.slug))
    groups["upcoming"].sort(key=lambda s: (s.opens or date.min, s.slug))
    groups["closed"].sort(key=lambda s: (s.closes or date.min, s.slug), reverse=True)
    return groups


def subsidy_by_slug(slug: str) -> Subsidy | None:
    """A subsidy, or None."""
    return db.session.scalars(sa.select(Subsidy).where(Subsidy.slug == slug)).one_or_none()


def registered_tools(subsidy: Subsidy) -> list[Tool]:
    """Published tools registered for the subsidy."""
    query = (
        published_tools().where(Tool.subsidies.any(Subsidy.id == subsidy.id)).order_by(Tool.slug)
    )
    return list(db.session.scalars(query).unique())


def subsidy_courses(subsidy: Subsidy) -> list[Course]:
    """Published courses the subsidy can pay for."""
    query = (
        published_courses()
        .where(Course.subsidies.any(Subsidy.id == subsidy.id))
        .order_by(Course.slug)
    )
    return list(db.session.scalars(query).unique())


# -- courses ---------------------------------------------------------------------


def _course_fits(course: Course, filters: CourseFilters) -> bool:
    if filters.skills and not set(filters.skills) & set(course.skills):
        return False
    if filters.formats and course.format not in filters.formats:
        return False
    if filters.languages and course.language not in filters.languages:
        return False
    # A course with no region is taught anywhere (online); otherwise regions must overlap.
    return not filters.region or fits_region(
        [course.region] if course.region else [], filters.region
    )


def list_courses(filters: CourseFilters, lang: str) -> list[Course]:
    """Published courses matching `filters`, by title in the viewer's language."""
    courses = db.session.scalars(published_courses()).unique()
    kept = [course for course in courses if _course_fits(course, filters)]
    kept.sort(key=lambda c: (localized(c.title, lang).casefold(), c.slug))
    return kept


def course_languages() -> list[str]:
    """The languages published courses are taught in."""
    query = (
        sa.select(Course.language)
        .where(Course.status == PUBLISHED, Course.language.is_not(None))
        .distinct()
        .order_by(Course.language)
    )
    return [lang for lang in db.session.scalars(query) if lang]


def course_by_slug(slug: str) -> Course | None:
    """A published course with its provider, sessions, subsidies and tools, or None."""
    query = (
        published_courses()
        .where(Course.slug == slug)
        .options(selectinload(Course.tools).joinedload(Tool.vendor))
    )
    return db.session.scalars(query).unique().one_or_none()
