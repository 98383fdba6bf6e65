"""Pure pricing rules: monthly cost per plan and per tool, currency conversion, SME definitions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from dx_match.taxonomy.codes import industry_covers

AMORTISATION_MONTHS = 36  # one-time licences are spread over three years


@dataclass(frozen=True)
class PlanPrice:
    """The pricing fields of one plan."""

    model: str
    price: Decimal | None = None
    currency: str | None = None
    min_users: int | None = None


def plan_monthly_cost(plan: PlanPrice, users: int) -> Decimal | None:
    """Monthly cost of a plan for `users` users in the plan's currency; None for quote."""
    price = plan.price or Decimal(0)
    match plan.model:
        case "free":
            return Decimal(0)
        case "per_user_month":
            return price * max(users, plan.min_users or 1)
        case "flat_month":
            return price
        case "per_year":
            return price / 12
        case "one_time":
            return price / AMORTISATION_MONTHS
        case "quote":
            return None
    raise ValueError(f"unknown plan model {plan.model!r}")


def convert(amount: Decimal, source: str, target: str, rates: Mapping[str, Decimal]) -> Decimal:
    """Convert between currencies with rates given as units per one base unit."""
    if source == target:
        return amount
    try:
        return amount / rates[source] * rates[target]
    except KeyError as exc:
        raise ValueError(f"no conversion rate for {exc.args[0]}") from exc


def tool_monthly_cost(
    plans: Iterable[PlanPrice], users: int, currency: str, rates: Mapping[str, Decimal]
) -> Decimal | None:
    """A tool's monthly cost: its cheapest non-quote plan, in `currency`; None if quote-only."""
    costs = []
    for plan in plans:
        cost = plan_monthly_cost(plan, users)
        if cost is None:
            continue
        costs.append(
            cost if cost == 0 else convert(cost, plan.currency or currency, currency, rates)
        )
    return min(costs) if costs else None


def cheapest_plan(
    plans: Iterable[PlanPrice], users: int, currency: str, rates: Mapping[str, Decimal]
) -> int | None:
    """The index of the plan that gives the tool's monthly cost, or None if quote-only."""
    best: tuple[Decimal, int] | None = None
    for index, plan in enumerate(plans):
        cost = plan_monthly_cost(plan, users)
        if cost is None:
            continue
        value = cost if cost == 0 else convert(cost, plan.currency or currency, currency, rates)
        if best is None or value < best[0]:
            best = (value, index)
    return None if best is None else best[1]


# -- SME definitions ---------------------------------------------------------

# Japan's SME Basic Act by ISIC industry: (industry prefixes, capital cap in JPY, employee cap).
JP_RULES: tuple[tuple[tuple[str, ...], Decimal, int], ...] = (
    (("G46",), Decimal(100_000_000), 100),
    (("I55",), Decimal(50_000_000), 200),
    (("G", "I56"), Decimal(50_000_000), 50),
    (("L", "M", "N", "P", "Q", "R", "S"), Decimal(50_000_000), 100),
)
JP_DEFAULT = (Decimal(300_000_000), 300)  # manufacturing and all others

TW_MANUFACTURING = ("B", "C", "F")
TW_CAPITAL_CAP = Decimal(80_000_000)
TW_REVENUE_CAP = Decimal(100_000_000)


@dataclass(frozen=True)
class Company:
    """What the SME definitions look at; money in `currency`, any of it may be unknown."""

    industry: str
    employees: int | None
    currency: str
    capital: Decimal | None = None
    annual_revenue: Decimal | None = None


def _either(conditions: list[bool | None]) -> bool | None:
    """Either condition makes an SME: True if one holds, False if all fail, else unknown."""
    if any(c is True for c in conditions):
        return True
    if all(c is False for c in conditions):
        return False
    return None


def _in_currency(
    amount: Decimal | None, company: Company, target: str, rates: Mapping[str, Decimal]
) -> Decimal | None:
    return None if amount is None else convert(amount, company.currency, target, rates)


def is_sme_jp(company: Company, rates: Mapping[str, Decimal]) -> bool | None:
    """Japan's SME Basic Act (capital or employees); None when the deciding facts are unknown."""
    capital_cap, employee_cap = JP_DEFAULT
    for prefixes, capital_limit, employee_limit in JP_RULES:
        if any(industry_covers(prefix, company.industry) for prefix in prefixes):
            capital_cap, employee_cap = capital_limit, employee_limit
            break
    capital = _in_currency(company.capital, company, "JPY", rates)
    return _either([
        None if capital is None else capital <= capital_cap,
        None if company.employees is None else company.employees <= employee_cap,
    ])  # fmt: skip


def is_sme_tw(company: Company, rates: Mapping[str, Decimal]) -> bool | None:
    """Taiwan's SME criteria; None when the deciding facts are unknown."""
    if company.industry[:1] in TW_MANUFACTURING:
        capital = _in_currency(company.capital, company, "TWD", rates)
        money_ok = None if capital is None else capital <= TW_CAPITAL_CAP
        employees_ok = None if company.employees is None else company.employees < 200
    else:
        revenue = _in_currency(company.annual_revenue, company, "TWD", rates)
        money_ok = None if revenue is None else revenue <= TW_REVENUE_CAP
        employees_ok = None if company.employees is None else company.employees < 100
    return _either([money_ok, employees_ok])


def is_sme(definition: str, company: Company, rates: Mapping[str, Decimal]) -> bool | None:
    """Whether the company is an SME under `definition` (JP, TW or none)."""
    if definition == "JP":
        return is_sme_jp(company, rates)
    if definition == "TW":
        return is_sme_tw(company, rates)
    return True


# -- subsidies ---------------------------------------------------------------


@dataclass(frozen=True)
class SubsidyTerms:
    """What a subsidy pays: a share of eligible cost, capped, with a minimum claim."""

    rate: Decimal
    max_amount: Decimal
    currency: str
    min_amount: Decimal | None = None


def subsidy_amount(
    eligible_cost: Decimal, cost_currency: str, terms: SubsidyTerms, rates: Mapping[str, Decimal]
) -> Decimal:
    """min(rate x cost, max_amount) in cost_currency, or 0 when that is below min_amount."""
    cap = convert(terms.max_amount, terms.currency, cost_currency, rates)
    amount = min(terms.rate * eligible_cost, cap)
    if terms.min_amount is not None and amount < convert(
        terms.min_amount, terms.currency, cost_currency, rates
    ):
        return Decimal(0)
    return amount
