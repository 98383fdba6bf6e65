"""Marshmallow schemas of the API: what the OpenAPI document says and how responses are dumped.

Query schemas describe the parameters; the rules for the ones the pages share
(codes, prices, pages) stay in `catalog/filters.py`, which the views run on the
raw query string, so the API and the pages accept exactly the same values.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from dx_match.catalog.filters import MAX_PAGE, MAX_QUERY_LENGTH, MAX_USERS, PAGE_SIZE, TOOL_SORTS
from dx_match.catalog.models import (
    COURSE_FORMATS,
    COURSE_LEVELS,
    DEPLOYMENTS,
    PLAN_MODELS,
    VENDOR_KINDS,
)
from dx_match.config import UI_LANGUAGES
from dx_match.search.docvalues import PRICE_BANDS
from dx_match.taxonomy.models import TERM_KINDS

MAX_PER_PAGE = 100
MAX_SEARCH_LIMIT = 1000
WINDOW_STATES = ("open", "upcoming", "closed")
LANGUAGE_MAP = {"type": "object", "additionalProperties": {"type": "string"}}


def text(*, nullable: bool = False, description: str = "") -> fields.Raw:
    """Catalog text as stored: a plain string or a map of BCP 47 tag to string."""
    options: list[dict[str, Any]] = [{"type": "string"}, LANGUAGE_MAP]
    if nullable:
        options.append({"type": "null"})
    return fields.Raw(allow_none=nullable, metadata={"oneOf": options, "description": description})


def codes(description: str, **metadata: Any) -> fields.List[Any]:
    """A repeatable query parameter (`?industry=I56&industry=G47`; commas also separate)."""
    return fields.List(fields.String(metadata=metadata), metadata={"description": description})


# -- query parameters ----------------------------------------------------------------


class LangQuery(ma.Schema):
    """`lang`: the language of `localized` texts (else Accept-Language, else en)."""

    lang = fields.String(
        metadata={
            "enum": list(UI_LANGUAGES),
            "description": "Language of the `localized` texts; default: Accept-Language, else en.",
        }
    )


class PageQuery(LangQuery):
    """Paging of a list."""

    page = fields.Integer(
        validate=validate.Range(1, MAX_PAGE),
        metadata={"default": 1, "description": "1-based page; past the last gives the last."},
    )
    per_page = fields.Integer(
        validate=validate.Range(1, MAX_PER_PAGE),
        metadata={"default": PAGE_SIZE, "description": "Items per page."},
    )


class CurrencyQuery(ma.Schema):
    """Costs are computed in `currency` for `users` users."""

    currency = fields.String(
        metadata={
            "pattern": "^[A-Za-z]{3}$",
            "description": "ISO 4217 code with a configured rate (USD, TWD, JPY by default); "
            "default: the currency of `lang` (en USD, zh-TW TWD, ja JPY).",
        }
    )
    users = fields.Integer(
        validate=validate.Range(1, MAX_USERS),
        metadata={
            "default": 1,
            "description": "People who would use the tool (per-user plans cost more).",
        },
    )


class ToolListQuery(PageQuery, CurrencyQuery):
    """The filters of the /tools page; several values of one filter OR, filters AND."""

    q = fields.String(
        metadata={"maxLength": MAX_QUERY_LENGTH, "description": "Words to search for."}
    )
    industry = codes(
        "ISIC section or division (I, I56); keeps tools listing none or one covering it.",
        pattern="^[A-Za-z][0-9]{0,4}$",
    )
    function = codes("Function or function group code (sales.pos, sales).")
    max_price = fields.Float(
        metadata={"minimum": 0, "description": "Highest monthly cost in `currency`."}
    )
    price = codes(
        "Monthly price band in USD-equivalents.", enum=[band for band, _lo, _hi in PRICE_BANDS]
    )
    deployment = codes("Deployment.", enum=list(DEPLOYMENTS))
    language = codes("BCP 47 tag of a UI language the tool offers (zh-TW, ja, en, ...).")
    region = fields.String(metadata={"description": "ISO 3166 code where it is sold (TW, JP-13)."})
    subsidy = fields.Boolean(metadata={"description": "Only tools registered for a subsidy."})
    trial = fields.Boolean(metadata={"description": "Only tools with a free trial."})
    rated = fields.Boolean(
        metadata={"description": "Only tools rated 4 or more by verified adopters."}
    )
    fresh = fields.Boolean(metadata={"description": "Only tools verified in the last 12 months."})
    sort = fields.String(metadata={"enum": list(TOOL_SORTS), "default": "relevance"})


class ToolDetailQuery(LangQuery, CurrencyQuery):
    """A tool's cost for `users` in `currency`, and its subsidies' windows on `today`."""

    today = fields.Date(
        metadata={"description": "Day subsidy windows are judged on (default: today)."}
    )


class SubsidyListQuery(PageQuery):
    """Subsidies of one country, with their window state on `today`."""

    country = fields.String(metadata={"enum": ["TW", "JP"], "description": "Applicants' country."})
    today = fields.Date(metadata={"description": "Day windows are judged on (default: today)."})


class SubsidyDetailQuery(LangQuery):
    """One subsidy's window state on `today`."""

    today = fields.Date(metadata={"description": "Day windows are judged on (default: today)."})


class CourseListQuery(PageQuery):
    """The filters of the /courses page."""

    skill = codes("Skill code (skill.nocode, ...).")
    format = codes("Course format.", enum=list(COURSE_FORMATS))
    language = codes("BCP 47 tag of the language it is taught in.")
    region = fields.String(metadata={"description": "ISO 3166 code where it is taught."})


class SearchQuery(LangQuery):
    """Exactly the filters of `dx-match search` (see the catalog format's "Search" section)."""

    q = fields.String(metadata={"description": "QUERY: words to search for (may be empty)."})
    industry = fields.String(metadata={"description": "An industry code (I56, G47, C)."})
    function = fields.String(metadata={"description": "A function or group code (sales.pos)."})
    max_price = fields.Float(
        validate=validate.Range(min=0),
        metadata={"description": "Highest monthly cost (needs `currency`)."},
    )
    currency = fields.String(metadata={"pattern": "^[A-Za-z]{3}$"})
    users = fields.Integer(validate=validate.Range(1, MAX_USERS), metadata={"default": 1})
    deployment = fields.String(validate=validate.OneOf(DEPLOYMENTS))
    language = fields.String(metadata={"description": "A UI language tag (zh-TW, ja, en)."})
    region = fields.String(metadata={"description": "A region code (TW, JP-13)."})
    subsidy = fields.String(metadata={"description": "A subsidy slug the tool is registered for."})
    trial = fields.Boolean(metadata={"description": "Only tools with a free trial."})
    rated = fields.Boolean(
        metadata={"description": "Only tools rated 4 or more by verified adopters."}
    )
    fresh = fields.Boolean(metadata={"description": "Only tools verified in the last 12 months."})
    limit = fields.Integer(validate=validate.Range(1, MAX_SEARCH_LIMIT), metadata={"default": 20})


# -- responses -------------------------------------------------------------------------


class NoticeSchema(ma.Schema):
    """Something about the request that was adjusted rather than refused."""

    parameter = fields.String(required=True)
    value = fields.String(required=True)
    problem = fields.String(required=True, metadata={"description": "past_end, ..."})
    suggestion = fields.String(allow_none=True)
    limit = fields.Integer(allow_none=True)


class PageSchema(ma.Schema):
    """The paging fields every list has."""

    total = fields.Integer(required=True, metadata={"description": "Items matching, all pages."})
    page = fields.Integer(required=True, metadata={"description": "The page returned."})
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True, metadata={"description": "Last page (at least 1)."})
    lang = fields.String(required=True, metadata={"enum": list(UI_LANGUAGES)})
    notices = fields.List(fields.Nested(NoticeSchema), required=True)


class LocalizedSchema(ma.Schema):
    """Texts in the requested language (with fallbacks when a text lacks it)."""

    name = fields.String()
    title = fields.String()
    summary = fields.String()
    description = fields.String()
    agency = fields.String()


class RefSchema(ma.Schema):
    """Another catalog item, by slug, with its name."""

    slug = fields.String(required=True)
    name = text()
    localized = fields.Nested(LocalizedSchema)


class PlanSchema(ma.Schema):
    """A price plan, as in the exchange format."""

    name = text(nullable=True)
    model = fields.String(required=True, metadata={"enum": list(PLAN_MODELS)})
    price = fields.Float(allow_none=True)
    currency = fields.String(allow_none=True)
    min_users = fields.Integer(allow_none=True)


class ToolSummarySchema(ma.Schema):
    """A tool in a list, with its monthly cost for `users` in `currency`."""

    slug = fields.String(required=True)
    name = text()
    summary = text(nullable=True)
    localized = fields.Nested(LocalizedSchema, required=True)
    vendor = fields.Nested(RefSchema, required=True)
    functions = fields.List(fields.String(), required=True)
    industries = fields.List(fields.String(), required=True)
    regions = fields.List(fields.String(), required=True)
    languages = fields.List(fields.String(), required=True)
    deployment = fields.String(allow_none=True, metadata={"enum": [*DEPLOYMENTS, None]})
    trial_days = fields.Integer(required=True)
    subsidies = fields.List(fields.String(), required=True)
    monthly_cost = fields.Float(
        allow_none=True, metadata={"description": "Cheapest plan per month; null: quote only."}
    )
    rating = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "Average overall rating (1-5) of verified reviews; null: none."},
    )
    rating_count = fields.Integer(
        required=True, metadata={"description": "How many verified reviews the average is of."}
    )
    verified_at = fields.Date(
        required=True, allow_none=True, metadata={"description": "When last verified."}
    )
    stale = fields.Boolean(
        required=True, metadata={"description": "Not verified in the last 12 months."}
    )


FACET_COUNTS = fields.Dict(keys=fields.String(), values=fields.Integer())


class FacetsSchema(ma.Schema):
    """Counts per facet value, each over every other facet's filter (as on the page)."""

    functions = FACET_COUNTS
    industries = FACET_COUNTS
    regions = FACET_COUNTS
    languages = FACET_COUNTS
    subsidies = FACET_COUNTS
    deployment = FACET_COUNTS
    trial = FACET_COUNTS
    rating = FACET_COUNTS
    fresh = FACET_COUNTS
    subsidy_registered = FACET_COUNTS
    price = FACET_COUNTS


class QueryInfoSchema(ma.Schema):
    """What search made of `q`."""

    suggestion = fields.String(allow_none=True, metadata={"description": "Did you mean ..."})
    corrected = fields.Boolean(metadata={"description": "Results are for the suggestion."})
    relaxed = fields.Boolean(metadata={"description": "Not every word matched."})
    ignored = fields.Boolean(metadata={"description": "`q` had nothing to search for."})
    rebuilding = fields.Boolean(metadata={"description": "Index rebuilding: substring match."})


class ToolListSchema(PageSchema):
    """One page of tools, with facet counts."""

    items = fields.List(fields.Nested(ToolSummarySchema), required=True)
    currency = fields.String(required=True)
    users = fields.Integer(required=True)
    facets = fields.Nested(FacetsSchema, required=True)
    query = fields.Nested(QueryInfoSchema, required=True)


class ExchangeToolSchema(ma.Schema):
    """A tool row exactly as the exchange format writes it (absent fields are left out)."""

    class Meta:
        unknown = ma.INCLUDE

    slug = fields.String(required=True)
    vendor = fields.String(required=True, metadata={"description": "The vendor's slug."})
    name = text()
    summary = text()
    description = text(description="Markdown.")
    functions = fields.List(fields.String(), required=True)
    industries = fields.List(fields.String())
    regions = fields.List(fields.String())
    languages = fields.List(fields.String())
    deployment = fields.String(metadata={"enum": list(DEPLOYMENTS)})
    platforms = fields.List(fields.String())
    min_employees = fields.Integer()
    max_employees = fields.Integer()
    trial_days = fields.Integer()
    integrations = fields.List(fields.String())
    plans = fields.List(fields.Nested(PlanSchema), required=True)
    subsidies = fields.List(fields.String())
    verified_at = fields.Date()
    source_url = fields.String()

    @ma.post_dump(pass_original=True)
    def keep_extensions(self, data: dict[str, Any], original: Any, **_: Any) -> dict[str, Any]:
        """Fields the format does not define are extensions: passed through as exported."""
        for key, value in original.items():
            if key not in self.fields and isinstance(value, str | int | float | bool | list | dict):
                data.setdefault(key, value)
        return data


class PlanCostSchema(ma.Schema):
    """One plan's monthly cost for `users`."""

    index = fields.Integer(required=True, metadata={"description": "Position in `tool.plans`."})
    model = fields.String(required=True)
    monthly = fields.Float(allow_none=True, metadata={"description": "In the plan's currency."})
    plan_currency = fields.String(allow_none=True)
    monthly_converted = fields.Float(
        allow_none=True, metadata={"description": "In the requested currency."}
    )
    cheapest = fields.Boolean(required=True)


class SubsidyEstimateSchema(ma.Schema):
    """What a subsidy the tool is registered for might pay towards its first year."""

    slug = fields.String(required=True)
    name = text()
    localized = fields.Nested(LocalizedSchema)
    state = fields.String(required=True, metadata={"enum": list(WINDOW_STATES)})
    amount = fields.Float(allow_none=True, metadata={"description": "null: the cost is unknown."})
    net_first_year = fields.Float(allow_none=True, metadata={"description": "Cost after it."})


class ToolCostSchema(ma.Schema):
    """A tool's cost for `users` users in `currency`."""

    users = fields.Integer(required=True)
    currency = fields.String(required=True)
    monthly = fields.Float(allow_none=True, metadata={"description": "null: quote only."})
    first_year = fields.Float(allow_none=True)
    cheapest_plan = fields.Integer(allow_none=True, metadata={"description": "Index in plans."})
    plans = fields.List(fields.Nested(PlanCostSchema), required=True)


class ToolDetailSchema(ma.Schema):
    """A tool: its exchange-format row, texts in `lang`, cost and subsidies."""

    tool = fields.Nested(ExchangeToolSchema, required=True)
    lang = fields.String(required=True)
    localized = fields.Nested(LocalizedSchema, required=True)
    vendor = fields.Nested(RefSchema, required=True)
    cost = fields.Nested(ToolCostSchema, required=True)
    subsidies = fields.List(fields.Nested(SubsidyEstimateSchema), required=True)
    today = fields.Date(required=True)


class VendorSchema(ma.Schema):
    """A software vendor or training provider."""

    slug = fields.String(required=True)
    name = text()
    kind = fields.String(required=True, metadata={"enum": list(VENDOR_KINDS)})
    startup = fields.Boolean(required=True)
    country = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    description = text(nullable=True)
    localized = fields.Nested(LocalizedSchema, required=True)


class VendorListSchema(PageSchema):
    """One page of vendors, by slug."""

    items = fields.List(fields.Nested(VendorSchema), required=True)


class VendorDetailSchema(VendorSchema):
    """A vendor with its published tools and courses."""

    lang = fields.String(required=True)
    tools = fields.List(fields.Nested(RefSchema), required=True)
    courses = fields.List(fields.Nested(RefSchema), required=True)


class SubsidySchema(ma.Schema):
    """A subsidy programme with its window state on `today`."""

    slug = fields.String(required=True)
    name = text()
    agency = text(nullable=True)
    regions = fields.List(fields.String(), required=True)
    industries = fields.List(fields.String(), required=True)
    sme_definition = fields.String(required=True, metadata={"enum": ["JP", "TW", "none"]})
    max_employees = fields.Integer(allow_none=True)
    max_capital = fields.Float(allow_none=True)
    expense_types = fields.List(fields.String(), required=True)
    rate = fields.Float(required=True)
    max_amount = fields.Float(required=True)
    min_amount = fields.Float(allow_none=True)
    currency = fields.String(required=True)
    registered_tools_only = fields.Boolean(required=True)
    opens = fields.Date(allow_none=True)
    closes = fields.Date(allow_none=True)
    url = fields.String(allow_none=True)
    description = text(nullable=True)
    state = fields.String(required=True, metadata={"enum": list(WINDOW_STATES)})
    localized = fields.Nested(LocalizedSchema, required=True)


class SubsidyListSchema(PageSchema):
    """Subsidies open first (soonest deadline), then upcoming, then closed."""

    items = fields.List(fields.Nested(SubsidySchema), required=True)
    today = fields.Date(required=True)


class SubsidyDetailSchema(SubsidySchema):
    """A subsidy with the tools registered for it and the courses it can pay for."""

    lang = fields.String(required=True)
    today = fields.Date(required=True)
    tools = fields.List(fields.Nested(RefSchema), required=True)
    courses = fields.List(fields.Nested(RefSchema), required=True)


class SessionSchema(ma.Schema):
    """A scheduled run of a course."""

    starts = fields.Date(required=True)
    capacity = fields.Integer(allow_none=True)


class CourseSchema(ma.Schema):
    """A reskilling course."""

    slug = fields.String(required=True)
    provider = fields.Nested(RefSchema, required=True)
    title = text()
    description = text(nullable=True)
    skills = fields.List(fields.String(), required=True)
    functions = fields.List(fields.String(), required=True)
    level = fields.String(allow_none=True, metadata={"enum": [*COURSE_LEVELS, None]})
    format = fields.String(allow_none=True, metadata={"enum": [*COURSE_FORMATS, None]})
    language = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    hours = fields.Float(allow_none=True)
    price = fields.Float(allow_none=True)
    currency = fields.String(allow_none=True)
    sessions = fields.List(fields.Nested(SessionSchema), required=True)
    subsidies = fields.List(fields.String(), required=True)
    localized = fields.Nested(LocalizedSchema, required=True)


class CourseListSchema(PageSchema):
    """One page of courses, by title in `lang`."""

    items = fields.List(fields.Nested(CourseSchema), required=True)


class CourseDetailSchema(CourseSchema):
    """A course with the tools it teaches."""

    lang = fields.String(required=True)
    tools = fields.List(fields.Nested(RefSchema), required=True)


class TermSchema(ma.Schema):
    """A taxonomy code with its labels in the three UI languages."""

    code = fields.String(required=True)
    parent = fields.String(allow_none=True)
    name = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    label = fields.String(required=True, metadata={"description": "The name in `lang`."})


class TaxonomyKindSchema(ma.Schema):
    """The terms of one kind, in taxonomy order."""

    kind = fields.String(required=True, metadata={"enum": list(TERM_KINDS)})
    lang = fields.String(required=True)
    terms = fields.List(fields.Nested(TermSchema), required=True)


class TaxonomySchema(ma.Schema):
    """Every kind of taxonomy term."""

    lang = fields.String(required=True)
    kinds = fields.Dict(
        keys=fields.String(metadata={"enum": list(TERM_KINDS)}),
        values=fields.List(fields.Nested(TermSchema)),
        required=True,
    )


class SearchHitSchema(ma.Schema):
    """One row of `dx-match search --format json`."""

    slug = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "The name in `lang`."})
    score = fields.Float(required=True)
