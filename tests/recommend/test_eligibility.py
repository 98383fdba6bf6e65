"""Subsidy rules as tables: each condition met, failed or unknown; amounts; no double dipping."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from dx_match.recommend.eligibility import (
    CostItem,
    SubsidyFacts,
    best_assignment,
    covers_course,
    covers_tool,
    judge,
)
from dx_match.recommend.profile import Profile

RATES = {"USD": D(1), "TWD": D(32), "JPY": D(150)}
TODAY = date(2026, 11, 26)


def subsidy(**kw: Any) -> SubsidyFacts:
    base: dict[str, Any] = {
        "slug": "s",
        "regions": ("JP",),
        "rate": D("0.5"),
        "max_amount": D(1_000_000),
        "currency": "JPY",
        "expense_types": ("software", "cloud_service"),
    }
    return SubsidyFacts(**{**base, **kw})


def profile(**kw: Any) -> Profile:
    base: dict[str, Any] = {
        "country": "JP",
        "region": "JP-13",
        "industry": "I56",
        "employees": 12,
        "currency": "JPY",
        "goals": (),
    }
    return Profile(**{**base, **kw})


@pytest.mark.parametrize(
    ("facts", "company", "condition", "status", "code"),
    [
        ({"regions": ("JP",)}, {}, "region", "met", "region_met"),
        ({"regions": ("JP-13",)}, {}, "region", "met", "region_met"),
        ({"regions": ("JP-27",)}, {}, "region", "failed", "region_failed"),
        ({"regions": ("JP-13",)}, {"region": None}, "region", "unknown", "region_unknown"),
        ({"regions": ("TW",)}, {"region": None}, "region", "failed", "region_failed"),
        ({"industries": ()}, {}, "industry", "met", "industry_any"),
        ({"industries": ("G47", "I56")}, {}, "industry", "met", "industry_met"),
        ({"industries": ("I",)}, {"industry": "I56"}, "industry", "met", "industry_met"),
        ({"industries": ("I56",)}, {"industry": "I"}, "industry", "failed", "industry_failed"),
        ({"industries": ("G47",)}, {}, "industry", "failed", "industry_failed"),
        # JP food service: capital <= 50M yen or <= 50 employees
        ({"sme_definition": "JP"}, {"employees": 50}, "sme", "met", "sme_met"),
        ({"sme_definition": "JP"}, {"employees": 51}, "sme", "unknown", "sme_unknown"),
        (
            {"sme_definition": "JP"},
            {"employees": 51, "capital": D(50_000_000)},
            "sme",
            "met",
            "sme_met",
        ),
        (
            {"sme_definition": "JP"},
            {"employees": 51, "capital": D(50_000_001)},
            "sme",
            "failed",
            "sme_failed",
        ),
        # JP manufacturing: 300 employees; capital in TWD converted to JPY (300M JPY = 64M TWD)
        (
            {"sme_definition": "JP"},
            {"industry": "C25", "employees": 301, "currency": "TWD", "capital": D(64_000_000)},
            "sme",
            "met",
            "sme_met",
        ),
        (
            {"sme_definition": "JP"},
            {"industry": "C25", "employees": 301, "currency": "TWD", "capital": D(64_000_001)},
            "sme",
            "failed",
            "sme_failed",
        ),
        # TW: services < 100 employees or revenue <= NT$100M; manufacturing < 200 or capital <= 80M
        ({"sme_definition": "TW", "regions": ()}, {"employees": 99}, "sme", "met", "sme_met"),
        (
            {"sme_definition": "TW", "regions": ()},
            {"employees": 100},
            "sme",
            "unknown",
            "sme_unknown",
        ),
        (
            {"sme_definition": "TW", "regions": ()},
            {"employees": 100, "currency": "TWD", "annual_revenue": D(100_000_000)},
            "sme",
            "met",
            "sme_met",
        ),
        (
            {"sme_definition": "TW", "regions": ()},
            {"employees": 150, "currency": "TWD", "annual_revenue": D(100_000_001)},
            "sme",
            "failed",
            "sme_failed",
        ),
        (
            {"sme_definition": "TW", "regions": ()},
            {"industry": "C25", "employees": 199},
            "sme",
            "met",
            "sme_met",
        ),
        (
            {"sme_definition": "TW", "regions": ()},
            {"industry": "C25", "employees": 200, "currency": "TWD", "capital": D(80_000_001)},
            "sme",
            "failed",
            "sme_failed",
        ),
        ({"max_employees": 20}, {"employees": 20}, "employees", "met", "employees_met"),
        ({"max_employees": 20}, {"employees": 21}, "employees", "failed", "employees_failed"),
        ({"max_capital": D(10_000_000)}, {}, "capital", "unknown", "capital_unknown"),
        (
            {"max_capital": D(10_000_000)},
            {"capital": D(10_000_000)},
            "capital",
            "met",
            "capital_met",
        ),
        (
            {"max_capital": D(10_000_000)},
            {"capital": D(10_000_001)},
            "capital",
            "failed",
            "capital_failed",
        ),
        ({}, {}, "window", "met", "window_always"),
        ({"opens": date(2026, 3, 1), "closes": TODAY}, {}, "window", "met", "window_open"),
        ({"opens": TODAY}, {}, "window", "met", "window_always"),
        ({"opens": date(2026, 11, 27)}, {}, "window", "failed", "window_upcoming"),
        ({"closes": date(2026, 11, 25)}, {}, "window", "failed", "window_closed"),
    ],
)
def test_conditions(
    facts: dict[str, Any], company: dict[str, Any], condition: str, status: str, code: str
) -> None:
    verdict = judge(subsidy(**facts), profile(**company), today=TODAY, rates=RATES)
    check = next(c for c in verdict.checks if c.condition == condition)
    assert (check.status, check.code) == (status, code)
    assert verdict.eligible == all(c.status == "met" for c in verdict.checks)


def test_unknown_names_the_field_and_is_not_eligible() -> None:
    verdict = judge(
        subsidy(sme_definition="TW", regions=("TW",)),
        profile(country="TW", region="TW-TPE", employees=120, currency="TWD"),
        today=TODAY,
        rates=RATES,
    )
    assert not verdict.eligible
    assert verdict.blocking[0].fill == "annual_revenue"


def test_conditions_without_a_cap_are_not_judged() -> None:
    verdict = judge(subsidy(), profile(), today=TODAY, rates=RATES)
    assert [c.condition for c in verdict.checks] == ["region", "industry", "window"]


@pytest.mark.parametrize(
    ("facts", "registered", "deployment", "status"),
    [
        ({"registered_tools_only": True}, ("s",), "cloud", "met"),
        ({"registered_tools_only": True}, (), "cloud", "failed"),
        ({"expense_types": ("cloud_service",)}, (), "cloud", "met"),
        ({"expense_types": ("cloud_service",)}, (), "on_premise", "failed"),
        ({"expense_types": ("software",)}, (), "hybrid", "met"),
        ({"expense_types": ("training",)}, (), "cloud", "failed"),
        ({"expense_types": ("training",)}, ("s",), "cloud", "met"),  # registration settles it
    ],
)
def test_what_a_programme_pays_for(
    facts: dict[str, Any], registered: tuple[str, ...], deployment: str, status: str
) -> None:
    assert covers_tool(subsidy(**facts), registered, deployment).status == status


def test_training_programmes_pay_courses_that_list_them() -> None:
    training = subsidy(expense_types=("training",))
    assert covers_course(training, ["s"]).status == "met"
    assert covers_course(training, []).status == "failed"
    assert covers_course(subsidy(), ["s"]).status == "failed"


def _pay(items: list[CostItem], *subsidies: SubsidyFacts) -> dict[str, D]:
    result = best_assignment(items, {s.slug: s for s in subsidies}, currency="JPY", rates=RATES)
    return dict(result.payouts)


def test_amount_is_rate_times_cost_capped_and_above_the_minimum() -> None:
    s = subsidy(max_amount=D(100_000), min_amount=D(50_000))
    assert _pay([CostItem("a", D(120_000), ("s",))], s) == {"s": D(60_000)}
    assert _pay([CostItem("a", D(500_000), ("s",))], s) == {"s": D(100_000)}
    assert _pay([CostItem("a", D(90_000), ("s",))], s) == {"s": D(0)}  # 45,000 < minimum


def test_each_cost_paid_once_by_the_best_combination() -> None:
    # Two tools; "big" pays 2/3 but is capped at 100k, "half" pays 1/2 up to 1M.
    big = subsidy(slug="big", rate=D("0.6667"), max_amount=D(100_000))
    half = subsidy(slug="half", rate=D("0.5"), max_amount=D(1_000_000))
    items = [CostItem("a", D(150_000), ("big", "half")), CostItem("b", D(600_000), ("big", "half"))]
    result = best_assignment(items, {"big": big, "half": half}, currency="JPY", rates=RATES)
    assert result.payer == {"a": "big", "b": "half"}
    assert result.total == D(100_000) + D(300_000)
    assert sum(result.shares.values()) == result.total


def test_minimum_pushes_costs_together() -> None:
    # Alone, each cost is below the 50k minimum of "min"; together they pass it.
    floor = subsidy(slug="min", rate=D("0.5"), max_amount=D(1_000_000), min_amount=D(50_000))
    small = subsidy(slug="small", rate=D("0.1"), max_amount=D(1_000_000))
    items = [CostItem("a", D(60_000), ("min", "small")), CostItem("b", D(60_000), ("min", "small"))]
    assert _pay(items, floor, small) == {"min": D(60_000)}


def test_costs_without_payers_are_paid_by_nobody() -> None:
    result = best_assignment([CostItem("a", D(100), ())], {}, currency="JPY", rates=RATES)
    assert result.payer == {"a": None}
    assert result.total == 0
