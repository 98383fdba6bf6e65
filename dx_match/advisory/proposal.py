"""PURE: the figures of a proposal document, from a set's frozen item snapshots.

Each line keeps its snapshot's currency. Totals are kept per currency (courses may be priced
in the trainer's currency), so nothing is converted and nothing is summed across currencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

MONTHS = 12


def _decimal(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


@dataclass(frozen=True)
class Line:
    """One item of the proposal with the figures the document prints."""

    kind: str
    slug: str
    currency: str
    #: Tools: the cost per month before and after the subsidy that pays most.
    monthly: Decimal | None = None
    net_monthly: Decimal | None = None
    #: Subsidies: the estimated amount; courses: the fee.
    amount: Decimal | None = None
    #: Tools: the slugs of the subsidies that can pay for it.
    subsidies: tuple[str, ...] = ()

    @property
    def yearly(self) -> Decimal | None:
        """The cost for a year before the subsidy."""
        return None if self.monthly is None else self.monthly * MONTHS

    @property
    def net_yearly(self) -> Decimal | None:
        """The cost for a year after the subsidy."""
        return None if self.net_monthly is None else self.net_monthly * MONTHS

    @property
    def subsidy_monthly(self) -> Decimal | None:
        """What the subsidy pays of the tool each month (None when nothing)."""
        if self.monthly is None or self.net_monthly is None or self.net_monthly >= self.monthly:
            return None
        return self.monthly - self.net_monthly

    @property
    def subsidy_yearly(self) -> Decimal | None:
        """What the subsidy pays of the tool in a year."""
        pays = self.subsidy_monthly
        return None if pays is None else pays * MONTHS


@dataclass
class Totals:
    """The sums of one currency's lines."""

    monthly: Decimal = Decimal(0)
    net_monthly: Decimal = Decimal(0)
    subsidy_amounts: Decimal = Decimal(0)
    course_fees: Decimal = Decimal(0)
    tools: int = field(default=0)

    @property
    def yearly(self) -> Decimal:
        return self.monthly * MONTHS

    @property
    def net_yearly(self) -> Decimal:
        return self.net_monthly * MONTHS

    @property
    def first_year(self) -> Decimal:
        """Tools for a year after subsidies, plus course fees."""
        return self.net_yearly + self.course_fees


def line(kind: str, slug: str, snapshot: dict[str, Any], default_currency: str) -> Line:
    """A snapshot's figures as a line."""
    currency = str(snapshot.get("currency") or default_currency)
    if kind == "tool":
        monthly = _decimal(snapshot.get("monthly_cost"))
        net = _decimal(snapshot.get("net_monthly_cost"))
        return Line(
            kind,
            slug,
            currency,
            monthly=monthly,
            net_monthly=net if net is not None else monthly,
            subsidies=tuple(snapshot.get("subsidies") or ()),
        )
    key = "estimated_amount" if kind == "subsidy" else "price"
    return Line(kind, slug, currency, amount=_decimal(snapshot.get(key)))


def totals(lines: list[Line]) -> dict[str, Totals]:
    """The totals of each currency the lines use, in the order the currencies first appear."""
    sums: dict[str, Totals] = {}
    for row in lines:
        t = sums.setdefault(row.currency, Totals())
        if row.kind == "tool" and row.monthly is not None:
            t.monthly += row.monthly
            t.net_monthly += row.net_monthly if row.net_monthly is not None else row.monthly
            t.tools += 1
        elif row.kind == "subsidy" and row.amount is not None:
            t.subsidy_amounts += row.amount
        elif row.kind == "course" and row.amount is not None:
            t.course_fees += row.amount
    return sums
