"""Pure subsidy rules: who may apply, what a subsidy pays for, and the best way to combine them.

Each condition of a programme is `met`, `failed` or `unknown` (the profile left a deciding
field empty; `fill` names it). A profile is *eligible* only when every condition is met: an
unknown condition is not a yes, so such a programme stays out of the eligible list while the
per-condition view says what to fill in.

What a programme pays for is judged per cost item: its expense types (a cloud tool is a
`cloud_service`, an on-premise one `software`, a hybrid one either; a course is `training`)
and, for `registered_tools_only` programmes, the tool's own list of registrations. A tool
that lists a programme is registered for it, which settles the expense type too.

The amount a programme pays is min(rate x eligible cost, max_amount), nothing below
min_amount. One cost is paid by at most one programme; `best_assignment` picks the
combination that leaves the SME paying least.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from dx_match.catalog.pricing import (
    Company,
    SubsidyTerms,
    convert,
    is_sme,
    subsidy_amount,
)
from dx_match.recommend.profile import Profile
from dx_match.taxonomy.codes import fits_industry, region_covers

MET, FAILED, UNKNOWN = "met", "failed", "unknown"
EXPENSES_OF_DEPLOYMENT = {
    "cloud": ("cloud_service",),
    "on_premise": ("software",),
    "hybrid": ("software", "cloud_service"),
    None: ("software", "cloud_service"),
}
MAX_COMBINATIONS = 4096  # beyond this many ways to split costs, assign greedily


@dataclass(frozen=True)
class SubsidyFacts:
    """The eligibility and paying fields of a subsidy programme."""

    slug: str
    regions: tuple[str, ...]
    rate: Decimal
    max_amount: Decimal
    currency: str
    expense_types: tuple[str, ...]
    industries: tuple[str, ...] = ()
    sme_definition: str = "none"
    max_employees: int | None = None
    max_capital: Decimal | None = None
    min_amount: Decimal | None = None
    registered_tools_only: bool = False
    opens: date | None = None
    closes: date | None = None
    name: Any = None  # translated text, for reasons

    @property
    def terms(self) -> SubsidyTerms:
        """What it pays, as pricing.py takes it."""
        return SubsidyTerms(self.rate, self.max_amount, self.currency, self.min_amount)


@dataclass(frozen=True)
class Check:
    """One condition judged: its status, a reason code with parameters, the field to fill."""

    condition: str
    status: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    fill: str | None = None


@dataclass(frozen=True)
class Verdict:
    """Every condition of one programme for one profile."""

    slug: str
    checks: tuple[Check, ...]

    @property
    def eligible(self) -> bool:
        """True only when every condition is met (unknown is not met)."""
        return all(check.status == MET for check in self.checks)

    @property
    def blocking(self) -> tuple[Check, ...]:
        """The conditions that keep the profile out: failed first, then unknown."""
        return tuple(
            sorted((c for c in self.checks if c.status != MET), key=lambda c: c.status != FAILED)
        )


def check_region(subsidy: SubsidyFacts, profile: Profile) -> Check:
    """Applicants must be located in one of the programme's regions."""
    regions = subsidy.regions
    if not regions or any(region_covers(r, profile.location) for r in regions):
        return Check("region", MET, "region_met", {"regions": regions})
    if profile.region is None and any(region_covers(profile.country, r) for r in regions):
        return Check("region", UNKNOWN, "region_unknown", {"regions": regions}, fill="region")
    return Check("region", FAILED, "region_failed", {"regions": regions})


def check_industry(subsidy: SubsidyFacts, profile: Profile) -> Check:
    """An empty industry list is every industry; otherwise one must cover the profile's."""
    if not subsidy.industries:
        return Check("industry", MET, "industry_any")
    params = {"industries": subsidy.industries}
    if fits_industry(subsidy.industries, profile.industry):
        return Check("industry", MET, "industry_met", params)
    return Check("industry", FAILED, "industry_failed", params)


def _company(profile: Profile) -> Company:
    return Company(
        profile.industry,
        profile.employees,
        profile.currency,
        profile.capital,
        profile.annual_revenue,
    )


def _sme_fill(definition: str, profile: Profile) -> str:
    """The field that would decide an undecided SME test."""
    if definition == "TW" and profile.industry[:1] not in {"B", "C", "F"}:
        return "annual_revenue"
    return "capital"


def check_sme(subsidy: SubsidyFacts, profile: Profile, rates: Mapping[str, Decimal]) -> Check:
    """The applicant must be an SME under the programme's country definition."""
    definition = subsidy.sme_definition
    params = {"definition": definition}
    result = is_sme(definition, _company(profile), rates)
    if result is True:
        return Check("sme", MET, "sme_met", params)
    if result is False:
        return Check("sme", FAILED, "sme_failed", params)
    fill = _sme_fill(definition, profile)
    return Check("sme", UNKNOWN, "sme_unknown", {**params, "field": fill}, fill=fill)


def check_employees(subsidy: SubsidyFacts, profile: Profile) -> Check:
    """An extra cap on headcount."""
    params = {"max": subsidy.max_employees, "employees": profile.employees}
    assert subsidy.max_employees is not None
    if profile.employees <= subsidy.max_employees:
        return Check("employees", MET, "employees_met", params)
    return Check("employees", FAILED, "employees_failed", params)


def check_capital(subsidy: SubsidyFacts, profile: Profile, rates: Mapping[str, Decimal]) -> Check:
    """An extra cap on capital, compared in the programme's currency."""
    assert subsidy.max_capital is not None
    params = {"max": subsidy.max_capital, "currency": subsidy.currency}
    if profile.capital is None:
        return Check("capital", UNKNOWN, "capital_unknown", params, fill="capital")
    capital = convert(profile.capital, profile.currency, subsidy.currency, rates)
    if capital <= subsidy.max_capital:
        return Check("capital", MET, "capital_met", params)
    return Check("capital", FAILED, "capital_failed", params)


def check_window(subsidy: SubsidyFacts, today: date) -> Check:
    """Applications are taken from `opens` to `closes`, both days included."""
    if subsidy.opens is not None and today < subsidy.opens:
        return Check("window", FAILED, "window_upcoming", {"opens": subsidy.opens})
    if subsidy.closes is not None and today > subsidy.closes:
        return Check("window", FAILED, "window_closed", {"closes": subsidy.closes})
    if subsidy.closes is None:
        return Check("window", MET, "window_always")
    return Check("window", MET, "window_open", {"closes": subsidy.closes})


def judge(
    subsidy: SubsidyFacts, profile: Profile, *, today: date, rates: Mapping[str, Decimal]
) -> Verdict:
    """Every condition of a programme for a profile on a given day."""
    checks = [check_region(subsidy, profile), check_industry(subsidy, profile)]
    if subsidy.sme_definition in {"JP", "TW"}:
        checks.append(check_sme(subsidy, profile, rates))
    if subsidy.max_employees is not None:
        checks.append(check_employees(subsidy, profile))
    if subsidy.max_capital is not None:
        checks.append(check_capital(subsidy, profile, rates))
    checks.append(check_window(subsidy, today))
    return Verdict(subsidy.slug, tuple(checks))


# -- what a programme pays for -------------------------------------------------


def covers_tool(subsidy: SubsidyFacts, registered: Iterable[str], deployment: str | None) -> Check:
    """Whether the programme pays for a tool (registration, then expense type)."""
    if subsidy.slug in set(registered):
        return Check("expense", MET, "tool_registered")
    if subsidy.registered_tools_only:
        return Check("expense", FAILED, "tool_not_registered")
    kinds = EXPENSES_OF_DEPLOYMENT.get(deployment, EXPENSES_OF_DEPLOYMENT[None])
    if any(kind in subsidy.expense_types for kind in kinds):
        return Check("expense", MET, "expense_met", {"expense": kinds[0]})
    return Check("expense", FAILED, "expense_failed", {"expense": kinds[0]})


def covers_course(subsidy: SubsidyFacts, listed: Iterable[str]) -> Check:
    """Whether the programme pays a course fee: a training programme that the course lists."""
    if "training" not in subsidy.expense_types:
        return Check("expense", FAILED, "expense_failed", {"expense": "training"})
    if subsidy.slug in set(listed):
        return Check("expense", MET, "course_listed")
    return Check("expense", FAILED, "course_not_listed")


# -- combining programmes without double dipping -------------------------------


@dataclass(frozen=True)
class CostItem:
    """One cost the SME would pay (first-year, in the profile's currency) and who may pay it."""

    key: str
    cost: Decimal
    payers: tuple[str, ...]


@dataclass(frozen=True)
class Assignment:
    """Which programme pays which cost, and how much each pays in total and per item."""

    payer: Mapping[str, str | None]
    payouts: Mapping[str, Decimal]
    shares: Mapping[str, Decimal]

    @property
    def total(self) -> Decimal:
        """Everything the programmes pay together."""
        return sum(self.payouts.values(), Decimal(0))


def _payout(
    costs: Decimal, subsidy: SubsidyFacts, currency: str, rates: Mapping[str, Decimal]
) -> Decimal:
    return subsidy_amount(costs, currency, subsidy.terms, rates) if costs > 0 else Decimal(0)


def _evaluate(
    items: Sequence[CostItem],
    choice: Sequence[str | None],
    subsidies: Mapping[str, SubsidyFacts],
    currency: str,
    rates: Mapping[str, Decimal],
) -> dict[str, Decimal]:
    pooled: dict[str, Decimal] = {}
    for item, payer in zip(items, choice, strict=True):
        if payer is not None:
            pooled[payer] = pooled.get(payer, Decimal(0)) + item.cost
    return {slug: _payout(cost, subsidies[slug], currency, rates) for slug, cost in pooled.items()}


def best_assignment(
    items: Sequence[CostItem],
    subsidies: Mapping[str, SubsidyFacts],
    *,
    currency: str,
    rates: Mapping[str, Decimal],
) -> Assignment:
    """The split of costs over programmes that pays the most (each cost paid at most once).

    Giving a programme one more cost never lowers what it pays (the amount grows with the
    cost, and so does its chance of reaching min_amount), so every cost goes to one of its
    payers; the choices are searched exhaustively, greedily past MAX_COMBINATIONS.
    """
    options = [tuple(p for p in item.payers if p in subsidies) or (None,) for item in items]
    best_choice: tuple[str | None, ...] = tuple(o[0] for o in options)
    best_payouts = _evaluate(items, best_choice, subsidies, currency, rates)
    combinations = 1
    for option in options:
        combinations *= len(option)
    if combinations <= MAX_COMBINATIONS:
        for choice in itertools.product(*options):
            payouts = _evaluate(items, choice, subsidies, currency, rates)
            if sum(payouts.values(), Decimal(0)) > sum(best_payouts.values(), Decimal(0)):
                best_choice, best_payouts = choice, payouts
    else:
        best_choice, best_payouts = _greedy(items, options, subsidies, currency, rates)
    return _shares(items, best_choice, best_payouts)


def _greedy(
    items: Sequence[CostItem],
    options: Sequence[tuple[str | None, ...]],
    subsidies: Mapping[str, SubsidyFacts],
    currency: str,
    rates: Mapping[str, Decimal],
) -> tuple[tuple[str | None, ...], dict[str, Decimal]]:
    """Largest cost first, each to the payer whose total grows most."""
    choice: list[str | None] = [None] * len(items)
    for index in sorted(range(len(items)), key=lambda i: -items[i].cost):
        best: tuple[Decimal, str | None] = (Decimal(-1), None)
        for payer in options[index]:
            choice[index] = payer
            gain = sum(_evaluate(items, choice, subsidies, currency, rates).values(), Decimal(0))
            if gain > best[0]:
                best = (gain, payer)
        choice[index] = best[1]
    return tuple(choice), _evaluate(items, choice, subsidies, currency, rates)


def _shares(
    items: Sequence[CostItem], choice: Sequence[str | None], payouts: Mapping[str, Decimal]
) -> Assignment:
    """Split each payout over its items in proportion to their cost."""
    pooled: dict[str, Decimal] = {}
    for item, payer in zip(items, choice, strict=True):
        if payer is not None:
            pooled[payer] = pooled.get(payer, Decimal(0)) + item.cost
    shares: dict[str, Decimal] = {}
    payer_of: dict[str, str | None] = {}
    for item, payer in zip(items, choice, strict=True):
        paid = payouts.get(payer, Decimal(0)) if payer else Decimal(0)
        share = paid * item.cost / pooled[payer] if payer and pooled[payer] else Decimal(0)
        shares[item.key] = share
        payer_of[item.key] = payer if share > 0 else None
    return Assignment(payer_of, dict(payouts), shares)
