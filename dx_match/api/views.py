"""The read API `/api/v1`: the pages' queries and filter parsing, answered as JSON.

Views stay thin: parse (catalog/filters.py, as the pages), call the same
queries and services, hand a dict to the response schema. Every error is an
RFC 9457 problem (dx_match/errors.py). `POST /api/v1/recommend` belongs to the
recommender (dx_match/recommend/) and is registered on this blueprint there.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, request
from flask_smorest import Blueprint

from dx_match.api import params, present, schemas
from dx_match.api import queries as api_queries
from dx_match.catalog import costs, queries
from dx_match.catalog.filters import (
    PAGE_SIZE,
    Notice,
    clamp_page,
    page_count,
    paginate,
    parse_country,
    parse_course_filters,
    parse_tool_filters,
    parse_users,
)
from dx_match.catalog.views import rates
from dx_match.db import READ_ONLY_POSTS
from dx_match.errors import NotFound
from dx_match.extensions import csrf
from dx_match.search.listing import list_tools
from dx_match.search.spec_query import DEFAULT_LIMIT, search_filters, search_rows
from dx_match.taxonomy.models import TERM_KINDS

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="The catalog: tools, vendors, subsidies, courses, taxonomy and search.",
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
#: Endpoints that authenticate by bearer token alone (api/auth.py), never by the session cookie.
TOKEN_ONLY: set[str] = set()


def protect_cookie_writes() -> None:
    """CSRF check for API writes that carry no Authorization token.

    Reads need no token. A write through a browser session (cookies) must carry
    one; a write authenticated by an Authorization token has no ambient credential
    that a forged cross-site request could use, so only those skip the check, and
    the token code must then authenticate from that header alone, never the session.
    """
    if request.method in SAFE_METHODS or request.endpoint in READ_ONLY_POSTS | TOKEN_ONLY:
        return
    if "Authorization" not in request.headers:
        csrf.protect()


def content_language(response: Response) -> Response:
    """Content-Language: the language of the `localized` texts (not the pages' cookie)."""
    response.headers["Content-Language"] = params.api_language()[0]
    return response


bp.before_request(protect_cookie_writes)
bp.after_request(content_language)


def _page(
    items: list[Any], *, total: int, page: int, per_page: int, lang: str, notices: list[Notice]
) -> dict[str, Any]:
    """The paging fields every list response carries."""
    return {
        "items": items,
        "total": total,
        "page": page,
        "per_page": per_page,
        "pages": page_count(total, per_page),
        "lang": lang,
        "notices": [_notice(n) for n in notices],
    }


def _notice(notice: Notice) -> dict[str, Any]:
    return {
        "parameter": notice.field,
        "value": notice.value,
        "problem": notice.problem,
        "suggestion": notice.suggestion,
        "limit": notice.limit,
    }


@bp.route("/tools", methods=["GET"])
@bp.arguments(schemas.ToolListQuery, location="query")
@bp.response(200, schemas.ToolListSchema)
def tools(args: dict[str, Any]) -> dict[str, Any]:
    """Tools with the /tools page's filters, facet counts, sorting and pages.

    A value the page would drop with a notice is refused here (422, naming the
    parameter); a page past the end returns the last page with a notice.
    """
    lang, lang_notices = params.api_language()
    currency, currency_notices = params.api_currency(rates(), lang)
    filters, notices = parse_tool_filters(params.query_args(), queries.vocabulary())
    params.refuse([*notices, *lang_notices, *currency_notices])
    per_page = args.get("per_page", PAGE_SIZE)
    result = list_tools(filters, currency=currency, rates=rates(), lang=lang, per_page=per_page)
    adjusted = clamp_page(filters.page, result.total, per_page)[1]
    search = result.search
    items = [present.tool_summary(card, lang) for card in result.cards]
    return _page(
        items, total=result.total, page=result.page, per_page=per_page, lang=lang, notices=adjusted
    ) | {
        "currency": currency,
        "users": filters.users,
        "facets": search.facets,
        "query": {
            "suggestion": search.suggestion,
            "corrected": search.corrected,
            "relaxed": search.relaxed,
            "ignored": search.ignored_query,
            "rebuilding": search.rebuilding,
        },
    }


@bp.route("/tools/<slug>", methods=["GET"])
@bp.arguments(schemas.ToolDetailQuery, location="query")
@bp.response(200, schemas.ToolDetailSchema)
def tool(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """One published tool: its exchange-format row, cost for `users`, subsidies and net cost."""
    lang, lang_notices = params.api_language()
    currency, currency_notices = params.api_currency(rates(), lang)
    users, notices = parse_users(params.query_args())
    params.refuse([*notices, *lang_notices, *currency_notices])
    row = queries.tool_by_slug(slug)
    if row is None:
        raise NotFound(f"no published tool {slug!r}")
    today = params.day(args.get("today"))
    cost = costs.tool_cost(
        row.plans, row.subsidies, users=users, currency=currency, rates=rates(), today=today
    )
    return present.tool_detail(row, cost, lang, today)


@bp.route("/vendors", methods=["GET"])
@bp.arguments(schemas.PageQuery, location="query")
@bp.response(200, schemas.VendorListSchema)
def vendors(args: dict[str, Any]) -> dict[str, Any]:
    """Every software vendor and training provider, by slug."""
    lang = _language()
    rows = api_queries.vendors()
    per_page = args.get("per_page", PAGE_SIZE)
    shown, page, _pages = paginate(rows, args.get("page", 1), per_page)
    items = [present.vendor(row, lang) for row in shown]
    notices = clamp_page(args.get("page", 1), len(rows), per_page)[1]
    return _page(items, total=len(rows), page=page, per_page=per_page, lang=lang, notices=notices)


@bp.route("/vendors/<slug>", methods=["GET"])
@bp.arguments(schemas.LangQuery, location="query")
@bp.response(200, schemas.VendorDetailSchema)
def vendor(_args: dict[str, Any], slug: str) -> dict[str, Any]:
    """A vendor with its published tools and courses."""
    lang = _language()
    row = queries.vendor_by_slug(slug)
    if row is None:
        raise NotFound(f"no vendor {slug!r}")
    return present.vendor(row, lang) | {
        "lang": lang,
        "tools": [present.ref(t, lang) for t in queries.vendor_tools(row)],
        "courses": [present.ref(c, lang) for c in queries.vendor_courses(row)],
    }


@bp.route("/subsidies", methods=["GET"])
@bp.arguments(schemas.SubsidyListQuery, location="query")
@bp.response(200, schemas.SubsidyListSchema)
def subsidies(args: dict[str, Any]) -> dict[str, Any]:
    """Subsidies open on `today` (soonest deadline first), then upcoming, then closed."""
    lang, lang_notices = params.api_language()
    country, notices = parse_country(params.query_args())
    params.refuse([*notices, *lang_notices])
    today = params.day(args.get("today"))
    groups = queries.subsidies_by_state(today, country)
    rows = [row for state in queries.WINDOW_ORDER for row in groups[state]]
    per_page = args.get("per_page", PAGE_SIZE)
    shown, page, _pages = paginate(rows, args.get("page", 1), per_page)
    adjusted = clamp_page(args.get("page", 1), len(rows), per_page)[1]
    items = [present.subsidy(row, lang, today) for row in shown]
    return _page(
        items, total=len(rows), page=page, per_page=per_page, lang=lang, notices=adjusted
    ) | {"today": today}


@bp.route("/subsidies/<slug>", methods=["GET"])
@bp.arguments(schemas.SubsidyDetailQuery, location="query")
@bp.response(200, schemas.SubsidyDetailSchema)
def subsidy(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """One subsidy with its state on `today`, registered tools and the courses it pays for."""
    lang = _language()
    row = queries.subsidy_by_slug(slug)
    if row is None:
        raise NotFound(f"no subsidy {slug!r}")
    today: date = params.day(args.get("today"))
    return present.subsidy(row, lang, today) | {
        "lang": lang,
        "today": today,
        "tools": [present.ref(t, lang) for t in queries.registered_tools(row)],
        "courses": [present.ref(c, lang) for c in queries.subsidy_courses(row)],
    }


@bp.route("/courses", methods=["GET"])
@bp.arguments(schemas.CourseListQuery, location="query")
@bp.response(200, schemas.CourseListSchema)
def courses(args: dict[str, Any]) -> dict[str, Any]:
    """Courses with the /courses page's filters, by title in `lang`."""
    lang, lang_notices = params.api_language()
    filters, notices = parse_course_filters(params.query_args(), queries.vocabulary())
    params.refuse([*notices, *lang_notices])
    rows = queries.list_courses(filters, lang)
    per_page = args.get("per_page", PAGE_SIZE)
    shown, page, _pages = paginate(rows, filters.page, per_page)
    adjusted = clamp_page(filters.page, len(rows), per_page)[1]
    items = [present.course(row, lang) for row in shown]
    return _page(items, total=len(rows), page=page, per_page=per_page, lang=lang, notices=adjusted)


@bp.route("/courses/<slug>", methods=["GET"])
@bp.arguments(schemas.LangQuery, location="query")
@bp.response(200, schemas.CourseDetailSchema)
def course(_args: dict[str, Any], slug: str) -> dict[str, Any]:
    """One published course with its sessions, subsidies and the tools it teaches."""
    lang = _language()
    row = queries.course_by_slug(slug)
    if row is None:
        raise NotFound(f"no published course {slug!r}")
    taught = [t for t in row.tools if t.status == queries.PUBLISHED]
    return present.course(row, lang) | {
        "lang": lang,
        "tools": [present.ref(t, lang) for t in taught],
    }


@bp.route("/taxonomy", methods=["GET"])
@bp.arguments(schemas.LangQuery, location="query")
@bp.response(200, schemas.TaxonomySchema)
def taxonomy(_args: dict[str, Any]) -> dict[str, Any]:
    """Every taxonomy term (industries, functions, skills, challenges, regions) with labels."""
    lang = _language()
    kinds = {kind: [present.term(t, lang) for t in queries.terms(kind)] for kind in TERM_KINDS}
    return {"lang": lang, "kinds": kinds}


@bp.route(f"/taxonomy/<any({', '.join(TERM_KINDS)}):kind>", methods=["GET"])
@bp.arguments(schemas.LangQuery, location="query")
@bp.response(200, schemas.TaxonomyKindSchema)
def taxonomy_kind(_args: dict[str, Any], kind: str) -> dict[str, Any]:
    """The terms of one kind, in taxonomy order, with labels in zh-TW, ja and en."""
    lang = _language()
    return {
        "kind": kind,
        "lang": lang,
        "terms": [present.term(t, lang) for t in queries.terms(kind)],
    }


@bp.route("/search", methods=["GET"])
@bp.arguments(schemas.SearchQuery, location="query")
@bp.response(200, schemas.SearchHitSchema(many=True))
def search(args: dict[str, Any]) -> list[dict[str, Any]]:
    """`dx-match search QUERY [filters] --format json`: matching tools best first, or []."""
    lang, lang_notices = params.api_language()
    filters, notices = search_filters(args, queries.vocabulary(), rates())
    params.refuse([*notices, *lang_notices])
    rows, _suggestion = search_rows(
        args.get("q", ""), filters, limit=args.get("limit", DEFAULT_LIMIT), lang=lang
    )
    return rows


def _language() -> str:
    """The response language; a `lang` that is not a UI language is refused."""
    lang, notices = params.api_language()
    params.refuse(notices)
    return lang
