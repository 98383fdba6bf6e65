"""Rows as the exchange format writes them: the one place a model becomes a catalog row.

The exporter writes these dicts; the importer compares them with the
validated incoming rows, so importing the same catalog twice changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dx_match.catalog.models import Course, Plan, Subsidy, Tool, Vendor
from dx_match.catalog.validation import COURSE_FIELDS, SUBSIDY_FIELDS, TOOL_FIELDS, VENDOR_FIELDS
from dx_match.taxonomy.models import Term


def _compact(
    fields: tuple[str, ...], values: dict[str, Any], extra: dict[str, Any]
) -> dict[str, Any]:
    """Drop absent values and defaults, keep the format's field order, extensions last."""
    row = {name: values[name] for name in fields if values.get(name) not in (None, [], {})}
    return row | dict(sorted(extra.items()))


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def term_row(term: Term) -> dict[str, Any]:
    """An extra taxonomy term."""
    return _compact(
        ("code", "parent", "name"),
        {"code": term.code, "parent": term.parent, "name": term.name},
        {},
    )


def vendor_row(vendor: Vendor) -> dict[str, Any]:
    """A vendor."""
    values = {
        "slug": vendor.slug,
        "name": vendor.name,
        "kind": None if vendor.kind == "software" else vendor.kind,
        "startup": vendor.startup or None,
        "country": vendor.country,
        "website": vendor.website,
        "description": vendor.description,
    }
    return _compact(VENDOR_FIELDS, values, vendor.extra)


def plan_row(plan: Plan) -> dict[str, Any]:
    """A tool's plan."""
    values = {
        "name": plan.name,
        "model": plan.model,
        "price": _money(plan.price),
        "currency": plan.currency,
        "min_users": plan.min_users,
    }
    return _compact(("name", "model", "price", "currency", "min_users"), values, plan.extra)


def tool_row(tool: Tool) -> dict[str, Any]:
    """A tool with its plans and links."""
    values = {
        "slug": tool.slug,
        "vendor": tool.vendor.slug,
        "name": tool.name,
        "summary": tool.summary,
        "description": tool.description,
        "functions": tool.functions,
        "industries": tool.industries,
        "regions": tool.regions,
        "languages": tool.languages,
        "deployment": tool.deployment,
        "platforms": tool.platforms,
        "min_employees": tool.min_employees,
        "max_employees": tool.max_employees,
        "trial_days": tool.trial_days or None,
        "integrations": tool.integrations,
        "plans": [plan_row(plan) for plan in tool.plans],
        "subsidies": [subsidy.slug for subsidy in tool.subsidies],
        "status": None if tool.status == "published" else tool.status,
        "verified_at": tool.verified_at,
        "source_url": tool.source_url,
    }
    return _compact(TOOL_FIELDS, values, tool.extra)


def subsidy_row(subsidy: Subsidy) -> dict[str, Any]:
    """A subsidy programme."""
    values = {
        "slug": subsidy.slug,
        "name": subsidy.name,
        "agency": subsidy.agency,
        "regions": subsidy.regions,
        "industries": subsidy.industries,
        "sme_definition": None if subsidy.sme_definition == "none" else subsidy.sme_definition,
        "max_employees": subsidy.max_employees,
        "max_capital": _money(subsidy.max_capital),
        "expense_types": subsidy.expense_types,
        "rate": subsidy.rate.quantize(Decimal("0.0001")),
        "max_amount": _money(subsidy.max_amount),
        "min_amount": _money(subsidy.min_amount),
        "currency": subsidy.currency,
        "registered_tools_only": subsidy.registered_tools_only or None,
        "opens": subsidy.opens,
        "closes": subsidy.closes,
        "url": subsidy.url,
        "description": subsidy.description,
        "verified_at": subsidy.verified_at,
        "source_url": subsidy.source_url,
    }
    return _compact(SUBSIDY_FIELDS, values, subsidy.extra)


def course_row(course: Course) -> dict[str, Any]:
    """A course with its sessions."""
    sessions = [
        _compact(("starts", "capacity"), {"starts": s.starts, "capacity": s.capacity}, s.extra)
        for s in course.sessions
    ]
    values = {
        "slug": course.slug,
        "provider": course.provider.slug,
        "title": course.title,
        "description": course.description,
        "skills": course.skills,
        "functions": course.functions,
        "tools": [tool.slug for tool in course.tools],
        "level": course.level,
        "format": course.format,
        "language": course.language,
        "region": course.region,
        "hours": _money(course.hours),
        "price": _money(course.price),
        "currency": course.currency,
        "sessions": sessions,
        "subsidies": [subsidy.slug for subsidy in course.subsidies],
        "status": None if course.status == "published" else course.status,
    }
    return _compact(COURSE_FIELDS, values, course.extra)
