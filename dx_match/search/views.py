"""The search page: the tool list with full-text search, facets with counts, sorting and pages."""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template

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
from dx_match.search.panel import PanelCache
from dx_match.search.service import search_service

PANEL_KEY = "dx_search_panel"

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
    lang = ui_language()
    panel = panels().panel(search_service().docvalues()[0], lang)
    options = panel.options
    # templating.term_label reads the request's labels from g: this generation's, read once.
    g.term_labels = options.term_labels
    filters, notices = parse_tool_filters(request_args(), options.vocabulary)
    currency = viewer_currency()
    result = list_tools(filters, currency=currency, rates=rates(), lang=lang)
    notices += clamp_page(filters.page, result.total)[1] + currency_notices()
    return render_template(
        "search/tool_list.html",
        filters=filters,
        notices=notices,
        result=result,
        search=result.search,
        facets=result.search.facets,
        currency=currency,
        common_industries=COMMON_INDUSTRIES,
        sections=options.sections,
        function_groups=options.function_groups,
        deployments=DEPLOYMENTS,
        price_bands=PRICE_BANDS,
        languages=with_chosen(options.languages, filters.languages),
        regions=with_chosen(REGION_CHOICES, [filters.region] if filters.region else []),
        panel=panel.labels,
    )


def panels() -> PanelCache:
    """The app's filter panel cache."""
    cache = current_app.extensions.get(PANEL_KEY)
    if cache is None:
        cache = current_app.extensions[PANEL_KEY] = PanelCache()
    assert isinstance(cache, PanelCache)
    return cache
