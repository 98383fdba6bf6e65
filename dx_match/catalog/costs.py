"""Pure cost views for pages: a tool's plans and cost for N users, and subsidy estimates.

The rules live in `pricing.py`; this module only arranges them for display.
It takes anything shaped like a plan or a subsidy (the models qualify), so it
is tested with plain values and imports neither Flask nor the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from dx_match.catalog.pricing import (
    PlanPrice,
    SubsidyTerms,
    convert,
    plan_monthly_cost,
    subsidy_amount,
)

MONTHS = 12


class PlanLike(Protocol):
    """The pricing fields of a plan."""

    @property
    def model(self) -> str: ...
    @property
    def price(self) -> Decimal | None: ...
    @property
    def currency(self) -> str | None: ...
    @property
    def min_users(self) -> int | None: ...


class SubsidyLike(Protocol):
    """What a subsidy pays, and its application window."""

    @property
    def rate(self) -> Decimal: ...
    @property
    def max_amount(self) -> Decimal: ...
    @property
    def min_amount(self) -> Decimal | None: ...
    @property
    def currency(self) -> str: ...
    def window_state(self, today: date) -> str:
        """`open`, `upcoming` or `closed` on the given day."""
        ...


def plan_price(plan: PlanLike) -> PlanPrice:
    """The pricing fields of a plan as pricing.py takes them."""
    return PlanPrice(plan.model, plan.price, plan.currency, plan.min_users)


def _in(
    amount: Decimal, source: str | None, currency: str, rates: Mapping[str, Decimal]
) -> Decimal | None:
    """`amount` in `currency`; None when there is no rate for its currency (a catalog gap)."""
    if amount == 0:
        return amount
    try:
        return convert(amount, source or currency, currency, rates)
    except ValueError:
        return None


def _viewer_costs(
    prices: Sequence[PlanPrice], users: int, currency: str, rates: Mapping[str, Decimal]
) -> list[Decimal | None]:
    """Each plan's monthly cost in `currency` (None for quote, or with no rate to convert)."""
    costs = []
    for price in prices:
        monthly = plan_monthly_cost(price, users)
        costs.append(None if monthly is None else _in(monthly, price.currency, currency, rates))
    return costs


def _cheapest(costs: Sequence[Decimal | None]) -> int | None:
    """The index of the lowest known cost (the first of equals), as pricing.cheapest_plan."""
    known = [(cost, index) for index, cost in enumerate(costs) if cost is not None]
    return min(known)[1] if known else None


def monthly_cost(
    plans: Sequence[PlanLike], users: int, currency: str, rates: Mapping[str, Decimal]
) -> Decimal | None:
    """The tool's monthly cost (its cheapest non-quote plan) in `currency`; None if quote-only."""
    costs = _viewer_costs([plan_price(plan) for plan in plans], users, currency, rates)
    index = _cheapest(costs)
    return None if index is None else costs[index]


def first_year_cost(plan: PlanPrice, users: int) -> Decimal | None:
    """What the first year costs on a plan, in its currency; None for quote.

    A one-time licence is paid in full in the first year, although its
    monthly cost spreads it over three years; every other model is twelve
    months of its monthly cost.
    """
    if plan.model == "one_time":
        return plan.price or Decimal(0)
    monthly = plan_monthly_cost(plan, users)
    return None if monthly is None else monthly * MONTHS


@dataclass(frozen=True)
class PlanCost:
    """One plan's cost for N users: in its own currency and in the viewer's."""

    index: int
    model: str
    monthly: Decimal | None  # in `currency` of the plan
    plan_currency: str | None
    monthly_viewer: Decimal | None
    cheapest: bool


@dataclass(frozen=True)
class SubsidyEstimate:
    """What one subsidy might pay towards the first year, in the viewer's currency."""

    index: int  # position in the subsidies given
    state: str  # open | upcoming | closed
    amount: Decimal | None  # None when the cost is unknown (quote-only)
    net_first_year: Decimal | None


@dataclass(frozen=True)
class ToolCost:
    """A tool's cost for `users` users in `currency`, plan by plan and with subsidies."""

    users: int
    currency: str
    plans: list[PlanCost]
    cheapest: int | None  # index of the plan that sets the tool's cost
    monthly: Decimal | None
    first_year: Decimal | None
    subsidies: list[SubsidyEstimate]


def subsidy_terms(subsidy: SubsidyLike) -> SubsidyTerms:
    """The paying terms of a subsidy as pricing.py takes them."""
    return SubsidyTerms(subsidy.rate, subsidy.max_amount, subsidy.currency, subsidy.min_amount)


def estimate(
    subsidy: SubsidyLike, cost: Decimal | None, currency: str, rates: Mapping[str, Decimal]
) -> tuple[Decimal | None, Decimal | None]:
    """The subsidy amount on `cost` and the cost left after it, both in `currency`."""
    if cost is None:
        return None, None
    try:
        amount = subsidy_amount(cost, currency, subsidy_terms(subsidy), rates)
    except ValueError:  # no rate for the subsidy's currency: cannot say
        return None, None
    return amount, cost - amount


def tool_cost(
    plans: Sequence[PlanLike],
    subsidies: Sequence[SubsidyLike],
    *,
    users: int,
    currency: str,
    rates: Mapping[str, Decimal],
    today: date,
) -> ToolCost:
    """Everything the cost calculator shows for a tool."""
    prices = [plan_price(plan) for plan in plans]
    viewer_costs = _viewer_costs(prices, users, currency, rates)
    cheapest = _cheapest(viewer_costs)
    rows = [
        PlanCost(
            index,
            price.model,
            plan_monthly_cost(price, users),
            price.currency,
            viewer_costs[index],
            index == cheapest,
        )
        for index, price in enumerate(prices)
    ]
    monthly_total: Decimal | None = None
    first_year: Decimal | None = None
    if cheapest is not None:
        monthly_total = viewer_costs[cheapest]
        year = first_year_cost(prices[cheapest], users)
        first_year = None if year is None else _in(year, prices[cheapest].currency, currency, rates)
    estimates = []
    for index, subsidy in enumerate(subsidies):
        amount, net = estimate(subsidy, first_year, currency, rates)
        estimates.append(SubsidyEstimate(index, subsidy.window_state(today), amount, net))
    return ToolCost(users, currency, rows, cheapest, monthly_total, first_year, estimates)
