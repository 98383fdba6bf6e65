"""Pricing rules as tables: plan and tool monthly cost, conversion, SME definitions, subsidy amounts."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from dx_match.catalog.pricing import (
    Company,
    PlanPrice,
    SubsidyTerms,
    cheapest_plan,
    convert,
    is_sme,
    plan_monthly_cost,
    subsidy_amount,
    tool_monthly_cost,
)

RATES = {"USD": D(1), "TWD": D(32), "JPY": D(150)}


@pytest.mark.parametrize(
    ("plan", "users", "expected"),
    [
        (PlanPrice("free"), 10, D(0)),
        (PlanPrice("per_user_month", D(590), "TWD"), 3, D(1770)),
        (PlanPrice("per_user_month", D(590), "TWD", min_users=5), 3, D(2950)),
        (PlanPrice("per_user_month", D(590), "TWD", min_users=5), 8, D(4720)),
        (PlanPrice("flat_month", D(3000), "JPY"), 50, D(3000)),
        (PlanPrice("per_year", D(12000), "TWD"), 1, D(1000)),
        (PlanPrice("one_time", D(36000), "JPY"), 1, D(1000)),
        (PlanPrice("quote"), 1, None),
    ],
)
def test_plan_monthly_cost(plan: PlanPrice, users: int, expected: D | None) -> None:
    assert plan_monthly_cost(plan, users) == expected


def test_unknown_plan_model_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown plan model"):
        plan_monthly_cost(PlanPrice("rental", D(1), "USD"), 1)


@pytest.mark.parametrize(
    ("amount", "source", "target", "expected"),
    [
        (D(1), "USD", "TWD", D(32)),
        (D(150), "JPY", "USD", D(1)),
        (D(32), "TWD", "JPY", D(150)),
        (D(7), "TWD", "TWD", D(7)),
    ],
)
def test_convert(amount: D, source: str, target: str, expected: D) -> None:
    assert convert(amount, source, target, RATES) == expected


def test_convert_without_a_rate_names_the_currency() -> None:
    with pytest.raises(ValueError, match="no conversion rate for EUR"):
        convert(D(1), "EUR", "USD", RATES)


def test_tool_cost_is_the_cheapest_non_quote_plan_in_the_asked_currency() -> None:
    plans = [
        PlanPrice("quote"),
        PlanPrice("flat_month", D(20), "USD"),  # 640 TWD
        PlanPrice("per_user_month", D(300), "TWD"),  # 900 TWD for 3 users
    ]
    assert tool_monthly_cost(plans, 1, "TWD", RATES) == D(300)
    assert tool_monthly_cost(plans, 3, "TWD", RATES) == D(640)
    assert cheapest_plan(plans, 3, "TWD", RATES) == 1
    assert tool_monthly_cost([PlanPrice("quote")], 3, "TWD", RATES) is None
    assert cheapest_plan([PlanPrice("quote")], 3, "TWD", RATES) is None
    assert tool_monthly_cost([PlanPrice("free"), *plans], 3, "JPY", RATES) == 0


JP = "JP"
TW = "TW"


@pytest.mark.parametrize(
    ("definition", "company", "expected"),
    [
        # Japan: wholesale ¥100M or 100 staff
        (JP, Company("G46", 100, "JPY", capital=D(500_000_000)), True),
        (JP, Company("G46", 101, "JPY", capital=D(100_000_001)), False),
        (JP, Company("G46", 500, "JPY", capital=D(100_000_000)), True),
        # retail and food service ¥50M or 50
        (JP, Company("G47", 51, "JPY", capital=D(60_000_000)), False),
        (JP, Company("I56", 50, "JPY", capital=D(60_000_000)), True),
        # hotels ¥50M or 200
        (JP, Company("I55", 200, "JPY", capital=D(60_000_000)), True),
        (JP, Company("I55", 201, "JPY", capital=D(60_000_000)), False),
        # services ¥50M or 100
        (JP, Company("Q86", 100, "JPY", capital=D(60_000_000)), True),
        (JP, Company("M69", 101, "JPY", capital=D(60_000_000)), False),
        # manufacturing and others ¥300M or 300
        (JP, Company("C25", 300, "JPY", capital=D(400_000_000)), True),
        (JP, Company("F41", 301, "JPY", capital=D(300_000_001)), False),
        (JP, Company("J62", 301, "JPY", capital=D(300_000_000)), True),
        # capital in another currency is converted (¥50M = 10,666,666 TWD at 32/150)
        (JP, Company("I56", 80, "TWD", capital=D(10_000_000)), True),
        (JP, Company("I56", 80, "TWD", capital=D(11_000_000)), False),
        # unknown when the deciding fact is missing; either condition suffices
        (JP, Company("I56", 80, "JPY"), None),
        (JP, Company("I56", 10, "JPY"), True),
        (JP, Company("I56", None, "JPY", capital=D(60_000_000)), None),
        # Taiwan: manufacturing, construction, mining by capital NT$80M or < 200 staff
        (TW, Company("C10", 199, "TWD", capital=D(200_000_000)), True),
        (TW, Company("C10", 200, "TWD", capital=D(80_000_001)), False),
        (TW, Company("F43", 250, "TWD", capital=D(80_000_000)), True),
        (TW, Company("B08", 250, "TWD"), None),
        # others by revenue NT$100M or < 100 staff
        (TW, Company("I56", 99, "TWD", annual_revenue=D(500_000_000)), True),
        (TW, Company("I56", 100, "TWD", annual_revenue=D(100_000_001)), False),
        (TW, Company("G47", 150, "TWD", annual_revenue=D(100_000_000)), True),
        (TW, Company("G47", 150, "TWD", capital=D(1)), None),  # capital does not count here
        ("none", Company("G47", 5000, "TWD"), True),
    ],
)
def test_sme_definitions(definition: str, company: Company, expected: bool | None) -> None:
    assert is_sme(definition, company, RATES) is expected


@pytest.mark.parametrize(
    ("cost", "currency", "terms", "expected"),
    [
        (D(100_000), "JPY", SubsidyTerms(D("0.5"), D(4_500_000), "JPY", D(50_000)), D(50_000)),
        (
            D(99_998),
            "JPY",
            SubsidyTerms(D("0.5"), D(4_500_000), "JPY", D(50_000)),
            D(0),
        ),  # below minimum
        (D(10_000_000), "JPY", SubsidyTerms(D("0.5"), D(4_500_000), "JPY"), D(4_500_000)),  # capped
        (D(64_000), "TWD", SubsidyTerms(D(1), D(30_000), "TWD"), D(30_000)),
        (D(3_200), "TWD", SubsidyTerms(D("0.5"), D(150), "JPY"), D(32)),  # cap converted from JPY
    ],
)
def test_subsidy_amount(cost: D, currency: str, terms: SubsidyTerms, expected: D) -> None:
    assert subsidy_amount(cost, currency, terms, RATES) == expected
