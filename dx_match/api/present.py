"""Catalog rows as the API's response dicts (the schemas in schemas.py then dump them)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from dx_match.catalog.canonical import tool_row
from dx_match.catalog.costs import ToolCost
from dx_match.catalog.models import Course, Subsidy, Tool, Vendor
from dx_match.catalog.queries import ToolCard
from dx_match.i18n import localized
from dx_match.taxonomy.models import Term
from dx_match.trust.freshness import is_stale

TEXT_FIELDS = ("name", "title", "summary", "description", "agency")


def texts(row: Any, lang: str, names: tuple[str, ...] = TEXT_FIELDS) -> dict[str, str]:
    """The row's text fields, in `lang` (with the usual fallbacks)."""
    return {
        name: localized(getattr(row, name), lang)
        for name in names
        if getattr(row, name, None) is not None
    }


def ref(row: Vendor | Tool | Course | Subsidy, lang: str) -> dict[str, Any]:
    """Another item by slug, with its name (a course's title)."""
    text_field = "title" if isinstance(row, Course) else "name"
    value = getattr(row, text_field)
    return {"slug": row.slug, "name": value, "localized": {text_field: localized(value, lang)}}


def tool_summary(card: ToolCard, lang: str) -> dict[str, Any]:
    """A tool in a list, with its monthly cost."""
    tool = card.tool
    return {
        "slug": tool.slug,
        "name": tool.name,
        "summary": tool.summary,
        "localized": texts(tool, lang, ("name", "summary")),
        "vendor": ref(tool.vendor, lang),
        "functions": tool.functions,
        "industries": tool.industries,
        "regions": tool.regions,
        "languages": tool.languages,
        "deployment": tool.deployment,
        "trial_days": tool.trial_days,
        "subsidies": [subsidy.slug for subsidy in tool.subsidies],
        "monthly_cost": card.monthly,
        "rating": None if card.rating is None else round(card.rating, 2),
        "rating_count": card.rating_count,
        "verified_at": tool.verified_at,
        "stale": is_stale(tool.verified_at, date.today()),
    }


def tool_detail(tool: Tool, cost: ToolCost, lang: str, today: date) -> dict[str, Any]:
    """A tool as its exchange-format row, with texts in `lang`, its cost and its subsidies."""
    estimates = [
        {
            **ref(subsidy, lang),
            "state": estimate.state,
            "amount": estimate.amount,
            "net_first_year": estimate.net_first_year,
        }
        for subsidy, estimate in zip(tool.subsidies, cost.subsidies, strict=True)
    ]
    plans = [asdict(plan) | {"monthly_converted": plan.monthly_viewer} for plan in cost.plans]
    return {
        "tool": tool_row(tool),
        "lang": lang,
        "localized": texts(tool, lang),
        "vendor": ref(tool.vendor, lang),
        "cost": {
            "users": cost.users,
            "currency": cost.currency,
            "monthly": cost.monthly,
            "first_year": cost.first_year,
            "cheapest_plan": cost.cheapest,
            "plans": plans,
        },
        "subsidies": estimates,
        "today": today,
    }


def vendor(row: Vendor, lang: str) -> dict[str, Any]:
    """A vendor."""
    fields = ("slug", "name", "kind", "startup", "country", "website", "description")
    return {name: getattr(row, name) for name in fields} | {"localized": texts(row, lang)}


def subsidy(row: Subsidy, lang: str, today: date) -> dict[str, Any]:
    """A subsidy with its window state on `today`."""
    fields = (
        "slug", "name", "agency", "regions", "industries", "sme_definition", "max_employees",
        "max_capital", "expense_types", "rate", "max_amount", "min_amount", "currency",
        "registered_tools_only", "opens", "closes", "url", "description",
    )  # fmt: skip
    values = {name: getattr(row, name) for name in fields}
    return values | {"state": row.window_state(today), "localized": texts(row, lang)}


def course(row: Course, lang: str) -> dict[str, Any]:
    """A course with its provider, sessions and the subsidies that can pay for it."""
    fields = (
        "slug", "title", "description", "skills", "functions", "level", "format", "language",
        "region", "hours", "price", "currency",
    )  # fmt: skip
    return {name: getattr(row, name) for name in fields} | {
        "provider": ref(row.provider, lang),
        "sessions": [{"starts": s.starts, "capacity": s.capacity} for s in row.sessions],
        "subsidies": [s.slug for s in row.subsidies],
        "localized": texts(row, lang),
    }


def term(row: Term, lang: str) -> dict[str, Any]:
    """A taxonomy term with its labels."""
    return {
        "code": row.code,
        "parent": row.parent,
        "name": row.name,
        "label": localized(row.name, lang),
    }
