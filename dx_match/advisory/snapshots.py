"""PURE: what a set item keeps of the recommender's proposal (names, price figures, reasons).

Amounts are stored as decimal strings so a sent set shows exactly the figures it was sent with.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dx_match.recommend.service import Recommendation

Snapshot = dict[str, Any]


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def proposal(rec: Recommendation) -> list[tuple[str, str, Snapshot]]:
    """The proposal as (kind, slug, snapshot): tools, then subsidies, then courses, best first."""
    r = rec.result
    cur = rec.currency
    items: list[tuple[str, str, Snapshot]] = []
    for tool, reasons in zip(r.tools, rec.tool_reasons, strict=True):
        items.append(
            (
                "tool",
                tool.tool.slug,
                {
                    "name": tool.tool.name,
                    "currency": cur,
                    "monthly_cost": _amount(tool.monthly_cost),
                    "net_monthly_cost": _amount(tool.net_monthly_cost),
                    "subsidies": list(tool.subsidies),
                    "reasons": reasons,
                },
            )
        )
    for subsidy, reasons in zip(r.subsidies, rec.subsidy_reasons, strict=True):
        items.append(
            (
                "subsidy",
                subsidy.subsidy.slug,
                {
                    "name": subsidy.subsidy.name,
                    "currency": cur,
                    "estimated_amount": _amount(subsidy.estimated_amount),
                    "reasons": reasons,
                },
            )
        )
    for course, reasons in zip(r.courses, rec.course_reasons, strict=True):
        items.append(
            (
                "course",
                course.course.slug,
                {
                    "name": course.course.title,
                    "currency": course.course.currency,
                    "price": _amount(course.course.price),
                    "reasons": reasons,
                },
            )
        )
    return items


def lookup(items: list[tuple[str, str, Snapshot]], kind: str, slug: str) -> Snapshot | None:
    """The proposal's snapshot of one item, if the proposal has it."""
    for item_kind, item_slug, snapshot in items:
        if (item_kind, item_slug) == (kind, slug):
            return snapshot
    return None
