"""Pure: one recommendation — hard filters, scores, diversity, exact costs, bundles, reasons.

Reasons are codes with parameters (`Reason`); explain.py turns them into the viewer's
language. Money here is Decimal in the profile's currency; rounding is for the output.

Costs: a tool's `monthly_cost` is its cheapest non-quote plan for `profile.seats` users.
Its `net_monthly_cost` is that cost after the one eligible programme that pays most
towards its first year (costs.first_year_cost: twelve months, or a one-time licence in
full), i.e. monthly x (1 - paid / first-year cost). A subsidy's `estimated_amount` is what
it pays in the best no-double-dipping split of the *bundles* (one tool per goal plus the
course that teaches it: what the SME would buy together); 0 when the costs it could pay
are better paid by another programme, or none of them qualifies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from dx_match.catalog.costs import first_year_cost
from dx_match.catalog.pricing import cheapest_plan, convert, subsidy_amount, tool_monthly_cost
from dx_match.recommend import courses as course_rules
from dx_match.recommend.eligibility import (
    MET,
    Assignment,
    CostItem,
    SubsidyFacts,
    Verdict,
    best_assignment,
    covers_course,
    covers_tool,
    judge,
)
from dx_match.recommend.features import (
    CatalogFeatures,
    CourseFacts,
    ToolFacts,
    best_payout,
    readable_languages,
    reads,
)
from dx_match.recommend.model import FeedbackModel, diversify, final_scores, top_rows
from dx_match.recommend.profile import Profile
from dx_match.recommend.results import (
    Bundle,
    CoursePick,
    Reason,
    Result,
    SubsidyPick,
    ToolPick,
)
from dx_match.taxonomy.codes import FUNCTION_GROUPS, function_covers, industry_covers

Array = np.ndarray[Any, Any]
TOOL_LIMIT = 10
COURSE_LIMIT = 5
POOL = 60  # best-scored rows considered for diversity
MAX_BUNDLES = 5


def effective_goals(profile: Profile) -> tuple[tuple[str, ...], bool]:
    """The goals, or (when none are given) the least digital function groups, and which."""
    if profile.goals:
        return profile.goals, False
    if not profile.maturity:
        return (), False
    lowest = min(profile.maturity.values())
    groups = tuple(g for g in FUNCTION_GROUPS if profile.maturity.get(g) == lowest)
    return groups[:2], True


def goal_weight(index: int) -> float:
    """The first goal counts most: 1, 0.67, 0.5, 0.4, ..."""
    return 1.0 / (1.0 + 0.5 * index)


def _goal_strengths(catalog: CatalogFeatures, rows: Array, goals: Sequence[str]) -> Array:
    """(rows x goals): 1 when a goal is the tool's main function, 0.75 another one, else 0."""
    strengths = np.zeros((len(rows), len(goals)))
    functions = catalog.function_matrix[rows]
    for i, goal in enumerate(goals):
        columns = [
            j for j, code in enumerate(catalog.function_codes) if function_covers(goal, code)
        ]
        if columns:
            best = functions[:, columns].max(axis=1)
            strengths[:, i] = np.where(best == 2, 1.0, np.where(best == 1, 0.75, 0.0))
    return strengths


def recommend(
    profile: Profile,
    catalog: CatalogFeatures,
    *,
    today: date,
    model: FeedbackModel | None = None,
    tool_limit: int = TOOL_LIMIT,
    course_limit: int = COURSE_LIMIT,
) -> Result:
    """Recommend tools, eligible subsidies and courses for a profile on a given day."""
    rates = catalog.rates
    verdicts = [judge(s, profile, today=today, rates=rates) for s in catalog.subsidies]
    eligible = [s for s, v in zip(catalog.subsidies, verdicts, strict=True) if v.eligible]
    notices: list[Reason] = []
    goals, implicit = effective_goals(profile)
    picks = _rank_tools(
        profile, catalog, goals=goals, eligible=eligible, model=model, limit=tool_limit
    )
    if not len(catalog):
        notices.append(Reason("catalog_empty"))
    elif not picks:
        notices.append(Reason("nothing_fits"))
    tools = [
        _tool_pick(
            row,
            score,
            goal_ids=g,
            profile=profile,
            catalog=catalog,
            goals=goals,
            implicit=implicit,
            eligible=eligible,
            verdicts=verdicts,
        )
        for row, score, g in picks
    ]
    courses = course_rules.rank(
        profile,
        catalog,
        goals=goals,
        tools=tools,
        eligible=eligible,
        today=today,
        limit=course_limit,
    )
    bundles, assignment = _bundles(
        profile, catalog, tools=tools, courses=courses, eligible=eligible, goals=goals
    )
    subsidies = _subsidy_picks(eligible, verdicts, assignment, rates, profile.currency)
    if not subsidies:
        notices.append(Reason("no_subsidy"))
    return Result(tools, subsidies, courses, bundles, verdicts, notices)


def pair_features(profile: Profile, catalog: CatalogFeatures, rows: Array, *, today: date) -> Array:
    """The FEATURES of these tools for this profile, whatever the filters say (for training)."""
    rates = catalog.rates
    eligible = [
        s for s in catalog.subsidies if judge(s, profile, today=today, rates=rates).eligible
    ]
    goals, _implicit = effective_goals(profile)
    specificity = catalog.industry_specificity(profile.industry)
    strengths = _goal_strengths(catalog, rows, goals)
    return tool_features(
        profile, catalog, rows=rows, strengths=strengths, specificity=specificity, eligible=eligible
    )


#: The outcome signal: a tool whose adopters in the SME's industry report a median of
#: OUTCOME_FULL_HOURS or more hours saved a month scores OUTCOME_BOOST (5 %) higher; fewer hours
#: lift it proportionally. Small on purpose: it reorders close calls, never beats a better fit.
OUTCOME_BOOST = 0.05
OUTCOME_FULL_HOURS = 20.0


def outcome_hours(catalog: CatalogFeatures, row: int, industry: str) -> float | None:
    """Median hours saved a month reported by the tool's adopters in the SME's ISIC section."""
    return catalog.outcome_hours.get((catalog.tools[row].id, industry[:1]))


def outcome_boost(catalog: CatalogFeatures, rows: Array, industry: str) -> Array:
    """Per row, the multiplier the outcome signal adds to the score (0 without a signal)."""
    boost = np.zeros(len(rows))
    if not catalog.outcome_hours:
        return boost
    for i, row in enumerate(rows):
        hours = outcome_hours(catalog, int(row), industry)
        if hours is not None:
            boost[i] = OUTCOME_BOOST * min(max(hours, 0.0) / OUTCOME_FULL_HOURS, 1.0)
    return boost


def _rank_tools(
    profile: Profile,
    catalog: CatalogFeatures,
    *,
    goals: Sequence[str],
    eligible: Sequence[SubsidyFacts],
    model: FeedbackModel | None,
    limit: int,
) -> list[tuple[int, float, tuple[int, ...]]]:
    """(row, score, goals it serves) for the best tools, diversified across goals."""
    if not len(catalog):
        return []
    mask, specificity = catalog.candidates(profile)
    rows = np.flatnonzero(mask)
    strengths = _goal_strengths(catalog, rows, goals)
    if goals:
        serving = strengths.max(axis=1) > 0
        rows, strengths = rows[serving], strengths[serving]
    if not len(rows):
        return []
    features = tool_features(
        profile, catalog, rows=rows, strengths=strengths, specificity=specificity, eligible=eligible
    )
    scores = final_scores(features, model) * (1 + outcome_boost(catalog, rows, profile.industry))
    monthly = catalog.monthly(rows, profile.seats, profile.currency)
    if profile.budget_monthly is not None:
        net = monthly - best_payout(catalog, rows, monthly, eligible, profile.currency)[0] / 12
        budget = float(profile.budget_monthly)
        # Over budget ranks low (half the score); quote-only is unknown, a lesser penalty.
        scores = scores * np.where(np.isinf(net), 0.8, np.where(net > budget, 0.5, 1.0))
    best = top_rows(scores, POOL)
    goals_of = {int(i): tuple(np.flatnonzero(strengths[i] > 0).tolist()) for i in best}
    order = diversify([int(i) for i in best], goals_of, len(goals))[:limit]
    result = []
    shown = 1.0
    for i in order:
        shown = min(shown, float(scores[i]))  # diversity may lift an item: keep scores ranked
        result.append((int(rows[i]), round(shown, 4), goals_of[i]))
    return result


def tool_features(
    profile: Profile,
    catalog: CatalogFeatures,
    *,
    rows: Array,
    strengths: Array,
    specificity: Array,
    eligible: Sequence[SubsidyFacts],
) -> Array:
    """The FEATURES matrix of these rows for this profile."""
    n = len(rows)
    weights = np.array([goal_weight(i) for i in range(strengths.shape[1])])
    if strengths.shape[1]:
        goal = (strengths * weights).max(axis=1)
        extra = ((strengths > 0).sum(axis=1) - 1).clip(0) / max(strengths.shape[1] - 1, 1)
    else:
        goal = extra = np.zeros(n)
    text = np.zeros(n)
    if profile.notes.strip() and catalog.tfidf is not None:
        query = catalog.vectorizer.transform([catalog.terms(profile.notes)])
        text = np.asarray((catalog.tfidf[rows] @ query.T).todense()).ravel()
    monthly = catalog.monthly(rows, profile.seats, profile.currency)
    payout = best_payout(catalog, rows, monthly, eligible, profile.currency)[0]
    net = np.maximum(monthly - payout / 12, 0)
    if profile.budget_monthly is not None and profile.budget_monthly > 0:
        budget = float(profile.budget_monthly)
        fit = np.where(net <= budget, 1.0, np.clip(1 - (net - budget) / budget, 0, 1))
    else:
        fit = np.where(net == 0, 1.0, 0.6)
    fit = np.where(np.isinf(net), 0.2, fit)
    trial = catalog.trial[rows] | (monthly == 0)
    cost_help = trial | (payout > 0) if "challenge.cost" in profile.challenges else np.zeros(n)
    skills = catalog.taught[rows] if "challenge.staff_skills" in profile.challenges else np.zeros(n)
    integration = np.zeros(n)
    for tag in profile.current_tools:
        hits = catalog.integration_rows.get(tag.casefold(), [])
        integration[np.isin(rows, hits)] = 1.0
    languages = readable_languages(profile)
    own = catalog.language_mask(languages[:1])[rows] if languages else np.ones(n)
    return np.column_stack(
        [goal, extra, specificity[rows], text, fit, trial, cost_help, skills, integration, own]
    ).astype(np.float64)


# -- exact costs and reasons of the shown tools ------------------------------------


def first_year(
    tool: ToolFacts, users: int, currency: str, rates: Mapping[str, Decimal]
) -> Decimal | None:
    """The first year's cost of the tool's cheapest plan, in `currency` (None: quote-only)."""
    try:
        index = cheapest_plan(tool.plans, users, currency, rates)
        if index is None:
            return None
        plan = tool.plans[index]
        year = first_year_cost(plan, users)
        if year is None or year == 0:
            return year
        return convert(year, plan.currency or currency, currency, rates)
    except ValueError:  # a plan in a currency without a rate
        return None


def _tool_pick(
    row: int,
    score: float,
    *,
    goal_ids: tuple[int, ...],
    profile: Profile,
    catalog: CatalogFeatures,
    goals: Sequence[str],
    implicit: bool,
    eligible: Sequence[SubsidyFacts],
    verdicts: Sequence[Verdict],
) -> ToolPick:
    tool = catalog.tools[row]
    rates, currency, users = catalog.rates, profile.currency, profile.seats
    try:
        monthly = tool_monthly_cost(tool.plans, users, currency, rates)
    except ValueError:
        monthly = None
    year = first_year(tool, users, currency, rates)
    paying: list[tuple[Decimal, SubsidyFacts]] = []
    for subsidy in eligible:
        if covers_tool(subsidy, tool.subsidies, tool.deployment).status == MET and year:
            paying.append((subsidy_amount(year, currency, subsidy.terms, rates), subsidy))
    paying.sort(key=lambda pair: (-pair[0], pair[1].slug))
    paying = [pair for pair in paying if pair[0] > 0]
    net = monthly
    if monthly is not None and paying and year:
        net = max(monthly * (1 - paying[0][0] / year), Decimal(0))
    reasons: list[Reason] = []
    for i in goal_ids[:1]:
        code = "goal_area" if implicit else "goal"
        reasons.append(Reason(code, {"n": i + 1, "function": goals[i]}))
    if len(goal_ids) > 1:
        reasons.append(Reason("goal_also", {"functions": [goals[i] for i in goal_ids[1:]]}))
    reasons.append(_price_reason(monthly, net, paying[0][1] if paying else None, profile))
    spoken = [t for t in tool.languages if any(reads(r, t) for r in readable_languages(profile))]
    if spoken:
        reasons.append(Reason("language", {"tag": spoken[0]}))
    listed = [c for c in tool.industries if industry_covers(c, profile.industry)]
    if listed:
        reasons.append(Reason("industry", {"industry": max(listed, key=len)}))
    used = {t.casefold() for t in profile.current_tools}
    works = [tag for tag in tool.integrations if tag.casefold() in used]
    if works:
        reasons.append(Reason("works_with", {"tags": works}))
    if tool.trial_days > 0:
        reasons.append(Reason("trial", {"days": tool.trial_days}))
    if "challenge.staff_skills" in profile.challenges and catalog.taught[row]:
        reasons.append(Reason("course_available"))
    hours = outcome_hours(catalog, row, profile.industry)
    if hours is not None:
        reasons.append(Reason("outcome_hours", {"hours": hours, "industry": profile.industry[:1]}))
    reasons.extend(_blocked(tool, catalog, verdicts))
    return ToolPick(
        tool, score, monthly, net, tuple(s.slug for _a, s in paying), tuple(reasons), goal_ids
    )


def _blocked(
    tool: ToolFacts, catalog: CatalogFeatures, verdicts: Sequence[Verdict]
) -> list[Reason]:
    """Why a programme the tool is registered for pays nothing here."""
    by_slug = {v.slug: v for v in verdicts}
    names = {s.slug: s.name for s in catalog.subsidies}
    reasons = []
    for slug in tool.subsidies:
        verdict = by_slug.get(slug)
        if verdict is not None and not verdict.eligible:
            blocking = verdict.blocking[0]
            reasons.append(Reason("subsidy_blocked", {"subsidy": names[slug], "check": blocking}))
    return reasons


def _price_reason(
    monthly: Decimal | None, net: Decimal | None, subsidy: SubsidyFacts | None, profile: Profile
) -> Reason:
    if monthly is None or net is None:
        return Reason("price_quote")
    if monthly == 0:
        return Reason("price_free")
    params: dict[str, Any] = {"currency": profile.currency, "monthly": monthly, "net": net}
    if profile.budget_monthly is not None:
        params["budget"] = profile.budget_monthly
        params["within"] = net <= profile.budget_monthly
    if subsidy is not None:
        return Reason("price_after_subsidy", {**params, "subsidy": subsidy.name})
    return Reason("price", params)


# -- bundles and the subsidies that pay them ----------------------------------------


def _bundles(
    profile: Profile,
    catalog: CatalogFeatures,
    *,
    tools: Sequence[ToolPick],
    courses: Sequence[CoursePick],
    eligible: Sequence[SubsidyFacts],
    goals: Sequence[str],
) -> tuple[list[Bundle], Assignment]:
    """One tool per goal (else the top tools) with its course; costs paid once each."""
    chosen: list[ToolPick] = []
    for i in range(len(goals)):
        pick = next((t for t in tools if i in t.goals and t not in chosen), None)
        if pick is not None:
            chosen.append(pick)
    if not goals:
        chosen = list(tools[:3])
    chosen = chosen[:MAX_BUNDLES]
    currency, rates = profile.currency, catalog.rates
    items: list[CostItem] = []
    pairs: list[tuple[ToolPick, CourseFacts | None, Decimal | None]] = []
    for pick in chosen:
        course = course_rules.teaching(pick.tool, courses)
        year = first_year(pick.tool, profile.seats, currency, rates)
        if year:
            payers = [
                s.slug
                for s in eligible
                if covers_tool(s, pick.tool.subsidies, pick.tool.deployment).status == MET
            ]
            items.append(CostItem(f"tool:{pick.tool.slug}", year, tuple(payers)))
        fee = course_rules.fee(course, currency, rates) if course else None
        if course is not None and fee:
            payers = [s.slug for s in eligible if covers_course(s, course.subsidies).status == MET]
            items.append(CostItem(f"course:{course.slug}", fee, tuple(payers)))
        pairs.append((pick, course, year))
    by_slug = {s.slug: s for s in eligible}
    assignment = best_assignment(items, by_slug, currency=currency, rates=rates)
    bundles = []
    for pick, course, year in pairs:
        keys = [f"tool:{pick.tool.slug}"] + ([f"course:{course.slug}"] if course else [])
        fee = course_rules.fee(course, currency, rates) if course else Decimal(0)
        cost = None if year is None or fee is None else year + fee
        paid = sum((assignment.shares.get(k, Decimal(0)) for k in keys), Decimal(0))
        paid_by = tuple(dict.fromkeys(p for k in keys if (p := assignment.payer.get(k))))
        bundles.append(
            Bundle(pick.tool.slug, course.slug if course else None, paid_by, cost, paid,
                   None if cost is None else cost - paid)
        )  # fmt: skip
    return bundles, assignment


def _subsidy_picks(
    eligible: Sequence[SubsidyFacts],
    verdicts: Sequence[Verdict],
    assignment: Assignment,
    rates: Mapping[str, Decimal],
    currency: str,
) -> list[SubsidyPick]:
    """Every eligible programme, best value first, with the conditions it met and its amount."""
    by_slug = {v.slug: v for v in verdicts}
    picks = []
    for subsidy in eligible:
        amount = assignment.payouts.get(subsidy.slug, Decimal(0))
        reasons = [Reason(c.code, c.params) for c in by_slug[subsidy.slug].checks]
        paid_items = [k for k, p in assignment.payer.items() if p == subsidy.slug]
        if amount > 0:
            reasons.append(
                Reason("pays", {"amount": amount, "currency": currency, "items": paid_items})
            )
        else:
            reasons.append(
                Reason(
                    "pays_nothing",
                    {"rate": subsidy.rate, "max": subsidy.max_amount, "currency": subsidy.currency},
                )
            )
        picks.append(SubsidyPick(subsidy, amount, tuple(reasons)))
    cap = {s.slug: convert(s.max_amount, s.currency, currency, rates) for s in eligible}
    picks.sort(key=lambda p: (-p.estimated_amount, -cap[p.subsidy.slug], p.subsidy.slug))
    return picks
