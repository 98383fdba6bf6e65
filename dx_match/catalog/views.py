"""Public catalog pages: home, tools, comparison, vendors, subsidies, courses.

Each view parses its arguments into typed values (`filters.py`), asks
`queries.py` (and the pure `costs.py`) for what to show, and renders.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import TypeVar

from babel import Locale, UnknownLocaleError
from blinker import Namespace
from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale

from dx_match.catalog import costs, queries
from dx_match.catalog.filters import (
    Args,
    Notice,
    clamp_page,
    paginate,
    parse_compare,
    parse_country,
    parse_course_filters,
    parse_users,
)
from dx_match.catalog.models import COURSE_FORMATS, Course, Tool
from dx_match.catalog.pricing import convert
from dx_match.errors import NotFound
from dx_match.i18n import localized, pick, ui_language, viewer_currency
from dx_match.search.records import tool_ratings
from dx_match.taxonomy.codes import FUNCTION_GROUPS

bp = Blueprint("catalog", __name__)

#: The industries the home page and the tool filters offer first: common SME trades.
COMMON_INDUSTRIES = ("I56", "G47", "C", "F", "Q86", "I55", "H", "G46", "S96", "M")
#: The countries the tool list's region filter offers (any ISO code works in the URL).
REGION_CHOICES = ("TW", "JP")

Named = TypeVar("Named", Tool, Course)

#: Sent when a tool or course page is shown (kind="tool"|"course", listing=row); the inquiries
#: package counts views through it, so catalog does not import the packages above it.
listing_viewed = Namespace().signal("listing-viewed")


def request_args() -> Args:
    """The query string as lists of values."""
    return request.args.to_dict(flat=False)


def rates() -> dict[str, Decimal]:
    """The configured conversion rates."""
    rates: dict[str, Decimal] = current_app.config["DX_RATES"]
    return rates


def today() -> date:
    """The day subsidy windows are judged on."""
    return date.today()


def _by_name(rows: Iterable[Named], field: str = "name") -> list[Named]:
    """Rows sorted by their name (or title) in the viewer's language."""
    lang = ui_language()
    return sorted(rows, key=lambda row: (localized(getattr(row, field), lang).casefold(), row.slug))


def with_chosen(options: Sequence[str], chosen: Iterable[str]) -> list[str]:
    """The options a filter offers, plus any valid chosen value that is not among them."""
    return [*options, *(value for value in chosen if value not in options)]


def currency_notices() -> list[Notice]:
    """A notice when `?cur=` names a currency we have no rate for."""
    given = request.args.get("cur")
    if given and given.upper() not in rates():
        return [Notice("cur", given[:10], "unknown")]
    return []


@bp.app_template_global()
def language_name(tag: str) -> str:
    """A BCP 47 tag's name in the viewer's language (`ja` -> 日本語), or the tag itself."""
    if tag == "zh-TW":  # Babel says 中文 (繁體, 台灣); people say 繁體中文
        return {"zh-TW": "繁體中文", "ja": "繁体字中国語", "en": "Traditional Chinese"}[
            ui_language()
        ]
    try:
        return str(Locale.parse(tag, sep="-").get_display_name(get_locale()))
    except (ValueError, UnknownLocaleError):
        return tag


@bp.app_template_global()
def text_lang(value: str | dict[str, str] | None) -> str | None:
    """The language catalog text is shown in, when it differs from the page's (for `lang=`)."""
    lang = ui_language()
    actual = pick(value, lang)[1]
    return actual if actual not in (None, lang) else None


@bp.get("/")
def home() -> str:
    """Search box and entry points by function group and industry."""
    functions = defaultdict(list)
    for term in queries.terms("functions"):
        if term.parent:
            functions[term.parent].append(term)
    return render_template(
        "catalog/home.html",
        groups=[(group, functions[group]) for group in FUNCTION_GROUPS],
        function_counts=queries.function_counts(),
        industry_counts=queries.industry_counts(COMMON_INDUSTRIES),
        open_subsidies=len(queries.subsidies_by_state(today())["open"]),
        course_count=queries.count_published_courses(),
    )


@bp.get("/tools/<slug>")
def tool_detail(slug: str) -> str:
    """One published tool, its plans, a cost calculator, subsidies and related courses."""
    tool = queries.tool_by_slug(slug)
    if tool is None:
        raise NotFound(f"no published tool {slug!r}")
    users, notices = parse_users(request_args())
    cost = costs.tool_cost(
        tool.plans,
        tool.subsidies,
        users=users,
        currency=viewer_currency(),
        rates=rates(),
        today=today(),
    )
    listing_viewed.send(current_app._get_current_object(), kind="tool", listing=tool)  # type: ignore[attr-defined]
    return render_template(
        "catalog/tool_detail.html",
        tool=tool,
        cost=cost,
        notices=notices + currency_notices(),
        courses=queries.related_courses(tool),
        currencies=sorted(rates()),
    )


@bp.get("/compare")
def compare() -> str:
    """Up to four tools side by side."""
    slugs, users, notices = parse_compare(request_args())
    found = queries.tools_by_slugs(slugs)
    notices += [Notice("t", slug, "unknown") for slug in slugs if slug not in found]
    tools = [found[slug] for slug in slugs if slug in found]
    currency = viewer_currency()
    monthly = [costs.monthly_cost(tool.plans, users, currency, rates()) for tool in tools]
    return render_template(
        "catalog/compare.html",
        tools=tools,
        monthly=monthly,
        users=users,
        currency=currency,
        notices=notices + currency_notices(),
        today=today(),
    )


@bp.get("/vendors/<slug>")
def vendor_detail(slug: str) -> str:
    """A vendor or training provider with its published tools and courses."""
    vendor = queries.vendor_by_slug(slug)
    if vendor is None:
        raise NotFound(f"no vendor {slug!r}")
    currency = viewer_currency()
    tools = _by_name(queries.vendor_tools(vendor))
    ratings = tool_ratings([t.id for t in tools])
    cards = [
        queries.ToolCard(
            t, costs.monthly_cost(t.plans, 1, currency, rates()), *ratings.get(t.id, (None, 0))
        )
        for t in tools
    ]
    return render_template(
        "catalog/vendor.html",
        vendor=vendor,
        cards=cards,
        courses=_by_name(queries.vendor_courses(vendor), "title"),
        currency=currency,
    )


@bp.get("/subsidies")
def subsidy_list() -> str:
    """Subsidies grouped by whether they are open today."""
    country, notices = parse_country(request_args())
    return render_template(
        "catalog/subsidy_list.html",
        groups=queries.subsidies_by_state(today(), country),
        country=country,
        notices=notices,
        today=today(),
    )


@bp.get("/subsidies/<slug>")
def subsidy_detail(slug: str) -> str:
    """One subsidy: who may apply, what it pays, when, and the tools registered for it."""
    subsidy = queries.subsidy_by_slug(slug)
    if subsidy is None:
        raise NotFound(f"no subsidy {slug!r}")
    return render_template(
        "catalog/subsidy_detail.html",
        subsidy=subsidy,
        state=subsidy.window_state(today()),
        tools=_by_name(queries.registered_tools(subsidy)),
        courses=_by_name(queries.subsidy_courses(subsidy), "title"),
    )


@bp.get("/courses")
def course_list() -> str:
    """Courses with filters by skill, format, language and region."""
    vocabulary = queries.vocabulary()
    filters, notices = parse_course_filters(request_args(), vocabulary)
    courses = queries.list_courses(filters, ui_language())
    shown, page, pages = paginate(courses, filters.page)
    notices += clamp_page(filters.page, len(courses))[1]
    languages = queries.course_languages()
    return render_template(
        "catalog/course_list.html",
        courses=shown,
        total=len(courses),
        page=page,
        pages=pages,
        filters=filters,
        notices=notices,
        skills=[t.code for t in queries.terms("skills")],
        formats=COURSE_FORMATS,
        languages=with_chosen(languages, filters.languages),
        regions=with_chosen(REGION_CHOICES, [filters.region] if filters.region else []),
    )


@bp.get("/courses/<slug>")
def course_detail(slug: str) -> str:
    """One published course with its sessions, price after subsidies and the tools it teaches."""
    course = queries.course_by_slug(slug)
    if course is None:
        raise NotFound(f"no published course {slug!r}")
    currency = course.currency or viewer_currency()
    estimates = [
        costs.estimate(subsidy, course.price, currency, rates()) for subsidy in course.subsidies
    ]
    viewer = viewer_currency()
    converted = None
    if course.price and currency != viewer and currency in rates():
        converted = convert(course.price, currency, viewer, rates())
    listing_viewed.send(current_app._get_current_object(), kind="course", listing=course)  # type: ignore[attr-defined]
    return render_template(
        "catalog/course_detail.html",
        course=course,
        estimates=estimates,
        converted=converted,
        viewer=viewer,
        tools=_by_name(tool for tool in course.tools if tool.status == queries.PUBLISHED),
        today=today(),
    )
