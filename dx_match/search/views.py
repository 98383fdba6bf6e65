"""The search page: the tool list with full-text search, facets with counts, sorting and pages."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, render_template

from dx_match.catalog import queries
from dx_match.catalog.filters import PRICE_BANDS, clamp_page, parse_tool_filters
from dx_match.catalog.models import DEPLOYMENTS
from dx_match.catalog.views import (
    COMMON_INDUSTRIES,
    REGION_CHOICES,
    currency_notices,
    rates,
    request_args,
    with_chosen,
)
from dx_match.i18n import ui_language, viewer_currency
from dx_match.search.highlight import highlight
from dx_match.search.listing import list_tools
from dx_match.search.service import search_service
from dx_match.taxonomy.codes import FUNCTION_GROUPS

bp = Blueprint("search", __name__)


@bp.app_template_global("highlight")
def highlight_text(text: str, terms: set[str]) -> str:
    """Text with the matched search terms marked (escaped; plain text when nothing matched)."""
    if not terms or not text:
        return text
    return highlight(text, terms, search_service().analyzer)


@bp.get("/tools")
@bp.get("/search", endpoint="search_page")
def tool_list() -> str:
    """Search and browse tools: text, facet filters with counts, sorting and pages."""
    filters, notices = parse_tool_filters(request_args(), queries.vocabulary())
    currency = viewer_currency()
    result = list_tools(filters, currency=currency, rates=rates(), lang=ui_language())
    notices += clamp_page(filters.page, result.total)[1] + currency_notices()
    function_terms = defaultdict(list)
    for term in queries.terms("functions"):
        if term.parent:
            function_terms[term.parent].append(term.code)
    return render_template(
        "search/tool_list.html",
        filters=filters,
        notices=notices,
        result=result,
        search=result.search,
        facets=result.search.facets,
        currency=currency,
        common_industries=COMMON_INDUSTRIES,
        sections=[t.code for t in queries.terms("industries") if len(t.code) == 1],
        function_groups=[(group, function_terms[group]) for group in FUNCTION_GROUPS],
        deployments=DEPLOYMENTS,
        price_bands=PRICE_BANDS,
        languages=with_chosen(queries.tool_languages(), filters.languages),
        regions=with_chosen(REGION_CHOICES, [filters.region] if filters.region else []),
    )
