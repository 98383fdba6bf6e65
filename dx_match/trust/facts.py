"""Read the catalog into the detectors' facts (the only database side of the detectors)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from dx_match.catalog.models import Plan, Tool, ToolFunction, Vendor
from dx_match.catalog.pricing import PlanPrice, tool_monthly_cost
from dx_match.extensions import db
from dx_match.listings.models import ListingRevision
from dx_match.trust.detectors import PriceStep, ToolFacts, VendorFacts, Window
from dx_match.trust.models import PriceChange

#: The team size a tool's monthly price per user is computed for (flat plans spread over it).
TEAM = 10


@dataclass
class Scope:
    """What a scan looks at: named tools and vendors, or (None) the whole catalog."""

    tools: set[str] | None = None
    vendors: set[str] | None = None

    def covers(self, kind: str, key: str) -> bool:
        """Whether a subject is inside this scope."""
        keys = self.tools if kind == "tool" else self.vendors
        return keys is None or key in keys


def _texts(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(v) for v in value.values() if v]
    return [str(value)] if value else []


def _paid_plans(plans: Iterable[Plan]) -> list[PlanPrice]:
    # Free plans would make nearly every tool cost 0: the price group compares what one pays.
    return [
        PlanPrice(p.model, p.price, p.currency, p.min_users)
        for p in plans
        if p.model != "free" and p.price
    ]


def plan_key(name: Any, position: int) -> str:
    """How a plan is told apart across edits: its English (or first) name, else its place."""
    if isinstance(name, dict):
        name = name.get("en") or next(iter(name.values()), None)
    return str(name)[:200] if name else f"#{position + 1}"


def tool_facts(scope: Scope) -> list[ToolFacts]:
    """Published tools (in scope, and the tools sharing their primary function) as facts."""
    query = (
        sa.select(Tool)
        .where(Tool.status == "published")
        .options(
            selectinload(Tool.vendor),
            selectinload(Tool.plans),
            selectinload(Tool.function_links),
            selectinload(Tool.industry_links),
            selectinload(Tool.subsidies),
        )
        .order_by(Tool.slug)
    )
    if scope.tools is not None:
        primary = (
            sa.select(ToolFunction.code)
            .join(Tool, Tool.id == ToolFunction.tool_id)
            .where(Tool.slug.in_(scope.tools), ToolFunction.position == 0)
        )
        peers = sa.select(ToolFunction.tool_id).where(
            ToolFunction.position == 0, ToolFunction.code.in_(primary)
        )
        query = query.where(sa.or_(Tool.slug.in_(scope.tools), Tool.id.in_(peers)))
    tools = list(db.session.scalars(query))
    steps: dict[int, list[PriceStep]] = {}
    changes = sa.select(PriceChange).where(PriceChange.tool_id.in_([t.id for t in tools]))
    for change in db.session.scalars(changes.order_by(PriceChange.id)):
        steps.setdefault(change.tool_id, []).append(
            PriceStep(
                change.plan_key,
                change.old_price,
                change.new_price,
                change.currency,
                change.old_currency,
                change.changed_on,
            )
        )
    base = current_app.config["DX_BASE_CURRENCY"]
    rates: dict[str, Decimal] = current_app.config["DX_RATES"]
    facts = []
    for tool in tools:
        monthly = tool_monthly_cost(_paid_plans(tool.plans), TEAM, base, rates)
        texts = [*_texts(tool.name), *_texts(tool.summary), *_texts(tool.description)]
        texts += [text for plan in tool.plans for text in _texts(plan.name)]
        facts.append(
            ToolFacts(
                slug=tool.slug,
                vendor=tool.vendor.slug,
                functions=tuple(tool.functions),
                industries=tuple(tool.industries),
                texts=tuple(texts),
                monthly_per_user=monthly / TEAM if monthly else None,
                subsidies=tuple(Window(s.slug, s.opens) for s in tool.subsidies),
                prices=tuple(steps.get(tool.id, ())),
            )
        )
    return facts


def vendor_facts(scope: Scope) -> list[VendorFacts]:
    """Every vendor's (or the scoped vendors') count of rejected and reviewed revisions."""
    reviewed = ListingRevision.state.in_(("approved", "rejected"))
    rejected = sa.func.sum(sa.case((ListingRevision.state == "rejected", 1), else_=0))
    query = (
        sa.select(Vendor.slug, rejected, sa.func.count(ListingRevision.id))
        .join(ListingRevision, ListingRevision.vendor_id == Vendor.id)
        .where(reviewed)
        .group_by(Vendor.slug)
        .order_by(Vendor.slug)
    )
    if scope.vendors is not None:
        query = query.where(Vendor.slug.in_(scope.vendors))
    return [VendorFacts(slug, int(r or 0), int(n)) for slug, r, n in db.session.execute(query)]
