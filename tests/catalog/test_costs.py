"""Cost views for pages: plans for N users in the viewer's currency, first year, subsidy estimates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

import pytest

from dx_match.catalog.costs import first_year_cost, monthly_cost, tool_cost
from dx_match.catalog.pricing import PlanPrice

RATES = {"USD": D(1), "TWD": D(32), "JPY": D(150)}
TODAY = date(2026, 6, 1)


@dataclass
class Plan:
    model: str
    price: D | None = None
    currency: str | None = None
    min_users: int | None = None


@dataclass
class Subsidy:
    rate: D
    max_amount: D
    currency: str
    min_amount: D | None = None
    opens: date | None = None
    closes: date | None = None

    def window_state(self, today: date) -> str:
        if self.opens and today < self.opens:
            return "upcoming"
        if self.closes and today > self.closes:
            return "closed"
        return "open"


@pytest.mark.parametrize(
    ("plan", "users", "expected"),
    [
        (PlanPrice("per_user_month", D(500), "TWD"), 3, D(18000)),
        (PlanPrice("flat_month", D(1000), "TWD"), 3, D(12000)),
        (PlanPrice("per_year", D(9900), "TWD"), 1, D(9900)),
        (PlanPrice("one_time", D(36000), "JPY"), 1, D(36000)),  # paid in full the first year
        (PlanPrice("free"), 9, D(0)),
        (PlanPrice("quote"), 1, None),
    ],
)
def test_first_year_cost(plan: PlanPrice, users: int, expected: D | None) -> None:
    assert first_year_cost(plan, users) == expected


def test_monthly_cost_is_the_cheapest_plan_in_the_viewers_currency() -> None:
    plans = [Plan("flat_month", D(3200), "TWD"), Plan("per_user_month", D(15), "USD")]
    assert monthly_cost(plans, 1, "USD", RATES) == D(15)
    assert monthly_cost(plans, 10, "USD", RATES) == D(100)
    assert monthly_cost(plans, 10, "TWD", RATES) == D(3200)
    assert monthly_cost([Plan("quote")], 1, "USD", RATES) is None


def test_tool_cost_marks_the_cheapest_plan_and_estimates_each_subsidy() -> None:
    plans = [Plan("quote"), Plan("per_user_month", D(590), "TWD", min_users=2)]
    subsidies = [
        Subsidy(D("0.5"), D(30000), "TWD", opens=date(2026, 1, 1), closes=date(2026, 12, 31)),
        Subsidy(D(1), D(1000), "TWD", min_amount=D(50000)),  # below its minimum: pays nothing
        Subsidy(D("0.5"), D(30000), "TWD", opens=date(2027, 1, 1)),
    ]
    cost = tool_cost(plans, subsidies, users=1, currency="TWD", rates=RATES, today=TODAY)
    assert cost.cheapest == 1
    assert [p.cheapest for p in cost.plans] == [False, True]
    assert cost.plans[0].monthly is None
    assert cost.monthly == D(1180)  # at least two users are billed
    assert cost.first_year == D(14160)
    assert [(e.state, e.amount, e.net_first_year) for e in cost.subsidies] == [
        ("open", D(7080), D(7080)),
        ("open", D(0), D(14160)),
        ("upcoming", D(7080), D(7080)),
    ]


def test_tool_cost_converts_plan_prices_for_the_viewer() -> None:
    cost = tool_cost(
        [Plan("flat_month", D(3200), "TWD")], [], users=1, currency="USD", rates=RATES, today=TODAY
    )
    assert cost.plans[0].monthly == D(3200)
    assert cost.plans[0].plan_currency == "TWD"
    assert cost.plans[0].monthly_viewer == D(100)
    assert cost.monthly == D(100)
    assert cost.first_year == D(1200)


def test_quote_only_tool_has_no_cost_and_no_estimate() -> None:
    cost = tool_cost(
        [Plan("quote")],
        [Subsidy(D("0.5"), D(1000), "USD")],
        users=5,
        currency="USD",
        rates=RATES,
        today=TODAY,
    )
    assert (cost.cheapest, cost.monthly, cost.first_year) == (None, None, None)
    assert cost.subsidies[0].amount is None
    assert cost.subsidies[0].net_first_year is None


def test_plans_and_subsidies_in_a_currency_without_a_rate_are_not_guessed() -> None:
    plans = [Plan("flat_month", D(10), "EUR"), Plan("flat_month", D(3200), "TWD")]
    assert monthly_cost(plans, 1, "USD", RATES) == D(100)
    assert monthly_cost(plans[:1], 1, "USD", RATES) is None
    cost = tool_cost(
        plans,
        [Subsidy(D("0.5"), D(1000), "KRW")],
        users=1,
        currency="USD",
        rates=RATES,
        today=TODAY,
    )
    assert cost.cheapest == 1
    assert cost.plans[0].monthly_viewer is None
    assert cost.subsidies[0].amount is None
