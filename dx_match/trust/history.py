"""Price history: every price change of a published tool's plans, from import or approval."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from dx_match.catalog.exchange import PlanPrices, plan_prices

__all__ = ["PlanPrices", "changes", "history", "record"]
from dx_match.catalog.models import Tool
from dx_match.extensions import db
from dx_match.trust.facts import plan_key
from dx_match.trust.models import PriceChange

Point = tuple[Any, str, Any, Any]


def changes(before: PlanPrices, after: PlanPrices) -> list[tuple[str, Point | None, Point | None]]:
    """PURE: (plan key, old point, new point) for each plan whose price, currency or model
    changed, appeared (old None) or went away (new None); plans are matched by `plan_key`."""
    old = {plan_key(p[0], i): p for i, p in enumerate(before)}
    new = {plan_key(p[0], i): p for i, p in enumerate(after)}
    out: list[tuple[str, Point | None, Point | None]] = []
    for key, point in new.items():
        was = old.get(key)
        if was is None or was[1:] != point[1:]:
            out.append((key, was, point))
    out += [(key, point, None) for key, point in old.items() if key not in new]
    return out


def record(tool: Tool, before: PlanPrices, source: str, today: date) -> int:
    """Add a PriceChange per changed plan of a published tool (its first prices if it has
    none yet); returns how many. Runs in the writer's transaction."""
    if tool.status != "published":
        return 0
    if tool.id is not None and not db.session.scalar(
        sa.select(sa.exists().where(PriceChange.tool_id == tool.id))
    ):
        before = []  # never recorded (imported as a draft, say): these are its first prices
    count = 0
    for key, was, now in changes(before, plan_prices(tool)):
        point = now or was
        assert point is not None
        db.session.add(
            PriceChange(
                tool=tool,
                plan_key=key,
                plan_name=point[0],
                model=point[1],
                old_price=was[2] if was else None,
                new_price=now[2] if now else None,
                old_currency=was[3] if was else None,
                currency=now[3] if now else None,
                changed_on=today,
                source=source,
            )
        )
        count += 1
    return count


def history(tool: Tool) -> list[PriceChange]:
    """A tool's price changes, newest first."""
    return list(
        db.session.scalars(
            sa.select(PriceChange)
            .where(PriceChange.tool_id == tool.id)
            .order_by(PriceChange.changed_on.desc(), PriceChange.id.desc())
        )
    )
