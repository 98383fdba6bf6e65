"""The tool list page's data: the page's filters through the search service, as tool cards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload, selectinload

from dx_match.catalog import costs
from dx_match.catalog.filters import PAGE_SIZE, ToolFilters, page_count
from dx_match.catalog.models import Tool
from dx_match.catalog.queries import PUBLISHED, ToolCard
from dx_match.extensions import db
from dx_match.search.docvalues import Filters, fresh_since
from dx_match.search.service import SearchRequest, SearchResponse, search_service

# What a tool card reads (templates/_partials/tool_card.html): the detail page's industries,
# regions and languages are three more queries per page that a card never shows, and the
# description (JSON in up to three languages, the longest column) is never decoded for a card.
CARD_LOADS = (
    defer(Tool.description),
    defer(Tool.extra),
    joinedload(Tool.vendor),
    selectinload(Tool.plans),
    selectinload(Tool.function_links),
    selectinload(Tool.subsidies),
)


@dataclass(frozen=True)
class ToolPage:
    """One page of the tool list, with what search made of the query."""

    cards: list[ToolCard]
    total: int
    page: int
    pages: int
    search: SearchResponse = field(default_factory=lambda: SearchResponse(ids=[], total=0))


def search_filters(filters: ToolFilters, currency: str) -> Filters:
    """The page's filters in the search service's terms."""
    return Filters(
        industries=filters.industries,
        functions=filters.functions,
        deployments=filters.deployments,
        languages=filters.languages,
        regions=(filters.region,) if filters.region else (),
        subsidy_registered=filters.subsidy,
        trial=filters.trial,
        min_rating=4.0 if filters.rated else None,
        verified_since=fresh_since(date.today()) if filters.fresh else None,
        max_price=filters.max_price,
        price_bands=filters.price_bands,
        currency=currency,
        users=filters.users,
    )


def list_tools(
    filters: ToolFilters,
    *,
    currency: str,
    rates: Mapping[str, Decimal],
    lang: str,
    per_page: int = PAGE_SIZE,
) -> ToolPage:
    """The tools matching `filters`, ranked by search, costed for the viewer, one page."""
    request = SearchRequest(
        q=filters.q,
        filters=search_filters(filters, currency),
        sort=filters.sort,
        page=filters.page,
        per_page=per_page,
        lang=lang,
    )
    service = search_service()
    response = service.search(request)
    pages = page_count(response.total, per_page)
    if response.total and filters.page > pages:  # past the end: show the last page
        request = replace(request, page=pages)
        response = service.search(request)
    tools = db.session.scalars(
        sa.select(Tool)
        .where(Tool.status == PUBLISHED, Tool.id.in_(response.ids))
        .options(*CARD_LOADS)
    ).unique()
    by_id = {tool.id: tool for tool in tools}
    docvalues, _vocabulary = service.docvalues()  # ratings from the sidecar: no query per card
    cards = []
    for i in response.ids:
        if i not in by_id:
            continue
        row = docvalues.row_of.get(i)
        record = docvalues.records[row] if row is not None else None
        cards.append(
            ToolCard(
                by_id[i],
                costs.monthly_cost(by_id[i].plans, filters.users, currency, rates),
                record.rating if record else None,
                record.rating_count if record else 0,
            )
        )
    return ToolPage(cards, response.total, request.page, pages, response)
