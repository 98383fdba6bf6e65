"""The spec's "search from the command line": its filters checked and its JSON rows built once.

`dx-match search` and `GET /api/v1/search` both call these: one value per filter, checked
against known taxonomy codes, language tags, region codes, subsidy slugs and currencies with a
rate; each bad value is a Notice, which the CLI turns into an error naming the option and the
API into a 422 naming the parameter. tests/api/test_search.py pins the two to each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from dx_match.catalog.filters import Notice, Vocabulary
from dx_match.catalog.models import Subsidy
from dx_match.extensions import db
from dx_match.i18n import localized
from dx_match.search.docvalues import Filters, fresh_since
from dx_match.search.service import SearchRequest, search_service
from dx_match.taxonomy.codes import is_language, is_region, nearest

DEFAULT_LIMIT = 20


def search_filters(
    args: Mapping[str, Any], vocabulary: Vocabulary, rates: Mapping[str, Decimal]
) -> tuple[Filters, list[Notice]]:
    """The CLI's filter options from parsed query arguments, and a notice per bad value."""
    notices: list[Notice] = []

    def check(name: str, ok: bool, options: frozenset[str] | None = None) -> None:
        if not ok:
            value = str(args[name])
            notices.append(Notice(name, value[:40], "unknown", nearest(value, options or ())))

    industry, function = args.get("industry"), args.get("function")
    language, region, subsidy = args.get("language"), args.get("region"), args.get("subsidy")
    if industry:
        check("industry", industry in vocabulary.industries, vocabulary.industries)
    if function:
        check("function", function in vocabulary.functions, vocabulary.functions)
    if language:
        check("language", is_language(language))
    if region:
        check("region", is_region(region) or region in vocabulary.regions)
    if subsidy:
        known = db.session.scalar(sa.select(Subsidy.id).where(Subsidy.slug == subsidy))
        check("subsidy", known is not None)
    currency = str(args.get("currency") or "").upper()
    max_price = args.get("max_price")
    if max_price is not None and not currency:
        notices.append(Notice("currency", "", "missing"))
    if currency:
        check("currency", currency in rates, frozenset(rates))
    filters = Filters(
        industries=(industry,) if industry else (),
        functions=(function,) if function else (),
        deployments=(args["deployment"],) if args.get("deployment") else (),
        languages=(language,) if language else (),
        regions=(region,) if region else (),
        subsidies=(subsidy,) if subsidy else (),
        trial=bool(args.get("trial")),
        min_rating=4.0 if args.get("rated") else None,
        verified_since=fresh_since(date.today()) if args.get("fresh") else None,
        max_price=None if max_price is None else Decimal(str(max_price)),
        currency=currency or "USD",
        users=int(args.get("users") or 1),
    )
    return filters, notices


def search_rows(
    text: str, filters: Filters, *, limit: int, lang: str
) -> tuple[list[dict[str, Any]], str | None]:
    """The matching tools, best first, as the CLI's JSON rows (slug, name in `lang`, score),
    and the "did you mean" suggestion if any."""
    service = search_service()
    response = service.search(
        SearchRequest(q=text, filters=filters, page=1, per_page=limit, lang=lang, facets=False)
    )
    if response.ignored_query:
        return [], None  # no searchable word in the query: it matches nothing
    docvalues, _vocabulary = service.docvalues()
    rows = []
    for tool_id in response.ids:
        record = docvalues.records[docvalues.row_of[tool_id]]
        score = response.scores.get(tool_id, 0.0)
        rows.append(
            {"slug": record.slug, "name": localized(record.name, lang), "score": round(score, 4)}
        )
    return rows, response.suggestion
