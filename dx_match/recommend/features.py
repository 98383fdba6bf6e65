"""Pure: the catalog as arrays, built once per catalog generation, and per-profile features.

`CatalogFeatures` holds every tool as numpy columns (language, region and industry groups,
size limits, plan prices in USD, registrations) plus a TF-IDF matrix over the search
analyzer's terms, so one recommendation is a few masks and one sparse product. Rows that
pass the hard filters get a feature vector (`FEATURES`) that `model.py` turns into a score.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

import langcodes
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from dx_match.catalog.pricing import PlanPrice, convert
from dx_match.recommend.eligibility import EXPENSES_OF_DEPLOYMENT, SubsidyFacts
from dx_match.recommend.profile import Profile
from dx_match.search.documents import texts
from dx_match.taxonomy.codes import fits_industry, fits_region, function_covers, industry_covers

Array = np.ndarray[Any, Any]
Localized = str | dict[str, str] | None
Terms = Callable[[str], list[str]]

FEATURES = (
    "goal",  # serves a goal: earlier goals and the tool's main function weigh more
    "goals_extra",  # share of the other goals it also serves
    "industry",  # made for the company's division > its section > every industry
    "text",  # TF-IDF cosine of the notes and the tool's text
    "budget",  # monthly cost after the best subsidy, against the budget
    "trial",  # a free trial or a free plan
    "cost_help",  # challenge.cost: free, trial or subsidised
    "skills_help",  # challenge.staff_skills: a course teaches it
    "integration",  # works with a tool the company already uses
    "own_language",  # speaks the company's first language
)
PLAN_CODES = {"free": 0, "per_user_month": 1, "flat_month": 2, "per_year": 3, "one_time": 4}
LANGUAGE_DISTANCE = 10  # langcodes: below this a reader understands the other variant
DEFAULT_LANGUAGES = {"TW": ("zh-TW",), "JP": ("ja",)}
# The skills a function needs, to match courses to goals and tools.
SKILLS_FOR_FUNCTION = {
    "finance": ("skill.accounting_software",),
    "sales.ecommerce": ("skill.ecommerce",),
    "sales.marketing": ("skill.marketing",),
    "sales.support": ("skill.ai", "skill.nocode"),
    "ops.analytics": ("skill.data_analysis",),
    "ops.iot": ("skill.iot",),
    "ops.security": ("skill.security",),
    "ops.automation": ("skill.nocode", "skill.programming"),
    "ops.collaboration": ("skill.office_cloud",),
    "ops.documents": ("skill.office_cloud",),
    "hr": ("skill.office_cloud", "skill.accounting_software"),
    "supply.production": ("skill.iot", "skill.data_analysis"),
}


@dataclass(frozen=True)
class ToolFacts:
    """What the recommender needs of a published tool."""

    id: int
    slug: str
    name: Localized
    functions: tuple[str, ...]
    summary: Localized = None
    description: Localized = None
    industries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    deployment: str | None = None
    min_employees: int | None = None
    max_employees: int | None = None
    trial_days: int = 0
    integrations: tuple[str, ...] = ()
    plans: tuple[PlanPrice, ...] = ()
    subsidies: tuple[str, ...] = ()


@dataclass(frozen=True)
class CourseFacts:
    """What the recommender needs of a published course."""

    id: int
    slug: str
    title: Localized
    skills: tuple[str, ...]
    functions: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    level: str | None = None
    format: str | None = None
    language: str | None = None
    region: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    sessions: tuple[date, ...] = ()
    subsidies: tuple[str, ...] = ()


def skills_for(functions: Iterable[str]) -> set[str]:
    """The skills that functions need (a group's entry applies to its functions)."""
    skills: set[str] = set()
    for function in functions:
        for listed, needed in SKILLS_FOR_FUNCTION.items():
            if function_covers(listed, function) or function_covers(function, listed):
                skills.update(needed)
    return skills


@lru_cache(maxsize=4096)
def reads(reader: str, tag: str) -> bool:
    """A reader of `reader` understands a UI in `tag` (zh-TW reads zh-Hant, not zh-CN)."""
    return bool(langcodes.tag_distance(reader, tag) < LANGUAGE_DISTANCE)


def readable_languages(profile: Profile) -> tuple[str, ...]:
    """The profile's languages; by default its country's language (any, elsewhere)."""
    return profile.languages or DEFAULT_LANGUAGES.get(profile.country, ())


def _identity(terms: list[str]) -> list[str]:
    return terms


def tool_text(tool: ToolFacts, labels: Mapping[tuple[str, str], Localized]) -> str:
    """Every language's name, summary and description, its function labels and integrations."""
    parts = [*texts(tool.name), *texts(tool.summary), *texts(tool.description)]
    for code in tool.functions:
        parts.extend(texts(labels.get(("functions", code))))
    parts.extend(tool.integrations)
    return "\n".join(parts)


def _groups(values: Sequence[tuple[str, ...]]) -> tuple[list[tuple[str, ...]], Array]:
    """Distinct value tuples and each row's index into them (so rules run once per group)."""
    index: dict[tuple[str, ...], int] = {}
    ids = np.empty(len(values), dtype=np.int32)
    for row, value in enumerate(values):
        ids[row] = index.setdefault(value, len(index))
    return list(index), ids


@dataclass
class CatalogFeatures:
    """The catalog's tools, courses and subsidies as arrays; immutable once built."""

    tools: list[ToolFacts]
    courses: list[CourseFacts]
    subsidies: list[SubsidyFacts]
    labels: Mapping[tuple[str, str], Localized]
    terms: Terms
    rates: Mapping[str, Decimal]
    #: Median hours saved a month by (tool id, ISIC section), only from outcome groups of at
    #: least 5 companies (reviews.queries.hours_saved_by_section); empty without reports.
    outcome_hours: Mapping[tuple[int, str], float] = field(default_factory=dict)
    vectorizer: TfidfVectorizer = field(init=False)
    tfidf: Any = field(init=False)
    row_of: dict[str, int] = field(init=False)
    taught: Array = field(init=False)

    def __post_init__(self) -> None:
        tools = self.tools
        self.row_of = {tool.slug: row for row, tool in enumerate(tools)}
        self.vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float32)
        documents = [self.terms(tool_text(tool, self.labels)) for tool in tools]
        self.tfidf = self.vectorizer.fit_transform(documents).tocsr() if any(documents) else None
        self.language_tags = sorted({tag for tool in tools for tag in tool.languages})
        column = {tag: i for i, tag in enumerate(self.language_tags)}
        self.language_matrix = np.zeros((len(tools), len(self.language_tags)), dtype=np.bool_)
        for row, tool in enumerate(tools):
            self.language_matrix[row, [column[tag] for tag in tool.languages]] = True
        self.region_groups, self.region_ids = _groups([tool.regions for tool in tools])
        self.industry_groups, self.industry_ids = _groups([tool.industries for tool in tools])
        self.min_employees = np.array([t.min_employees or 0 for t in tools], dtype=np.float64)
        self.max_employees = np.array(
            [np.inf if t.max_employees is None else t.max_employees for t in tools]
        )
        self.deployment = np.array([t.deployment or "" for t in tools], dtype=object)
        self.trial = np.array([t.trial_days > 0 for t in tools], dtype=np.bool_)
        self._plans()
        self.function_codes = sorted({code for tool in tools for code in tool.functions})
        fcol = {code: i for i, code in enumerate(self.function_codes)}
        self.function_matrix = np.zeros((len(tools), len(self.function_codes)), dtype=np.int8)
        for row, tool in enumerate(tools):
            for position, code in enumerate(tool.functions):
                # 2 marks the tool's main (first-listed) function, 1 the others.
                self.function_matrix[row, fcol[code]] = 2 if position == 0 else 1
        taught_slugs = {slug for course in self.courses for slug in course.tools}
        self.taught = np.array([t.slug in taught_slugs for t in tools], dtype=np.bool_)
        self.registered = {
            s.slug: np.array([s.slug in t.subsidies for t in tools], dtype=np.bool_)
            for s in self.subsidies
        }
        self.integration_rows: dict[str, list[int]] = {}
        for row, tool in enumerate(tools):
            for tag in tool.integrations:
                self.integration_rows.setdefault(tag.casefold(), []).append(row)

    def _plans(self) -> None:
        """Plan prices as (tools x plans) arrays in USD; -1 pads, quote never counts."""
        width = max((len(t.plans) for t in self.tools), default=0) or 1
        n = len(self.tools)
        self.plan_model = np.full((n, width), -1, dtype=np.int8)
        self.plan_usd = np.zeros((n, width))
        self.plan_min_users = np.ones((n, width))
        for row, tool in enumerate(self.tools):
            for col, plan in enumerate(tool.plans):
                self.plan_model[row, col] = PLAN_CODES.get(plan.model, -1)
                price = plan.price or Decimal(0)
                try:
                    usd = convert(price, plan.currency or "USD", "USD", self.rates) if price else 0
                except ValueError:  # no rate for the plan's currency: the plan cannot be priced
                    self.plan_model[row, col] = -1
                    continue
                self.plan_usd[row, col] = float(usd)
                self.plan_min_users[row, col] = plan.min_users or 1

    def __len__(self) -> int:
        return len(self.tools)

    # -- hard filters ---------------------------------------------------------------

    def language_mask(self, languages: Sequence[str]) -> Array:
        """Tools whose UI one of these languages' readers can use (no languages: all)."""
        if not languages:
            return np.ones(len(self), dtype=np.bool_)
        columns = [
            i for i, tag in enumerate(self.language_tags) if any(reads(r, tag) for r in languages)
        ]
        if not columns:
            return np.zeros(len(self), dtype=np.bool_)
        return np.asarray(self.language_matrix[:, columns].any(axis=1))

    def region_mask(self, location: str) -> Array:
        """Tools sold where the company is."""
        table = np.array([fits_region(g, location) for g in self.region_groups], dtype=np.bool_)
        return table[self.region_ids] if len(self) else np.zeros(0, dtype=np.bool_)

    def industry_specificity(self, industry: str) -> Array:
        """0 when made for another industry; 0.3 every industry; 0.6 its section; 1 its division."""
        table = np.array([_specificity(g, industry) for g in self.industry_groups])
        return table[self.industry_ids] if len(self) else np.zeros(0)

    def candidates(self, profile: Profile) -> tuple[Array, Array]:
        """Rows passing every hard filter, and each tool's industry specificity."""
        specificity = self.industry_specificity(profile.industry)
        mask = self.language_mask(readable_languages(profile))
        mask &= self.region_mask(profile.location)
        mask &= specificity > 0
        employees = profile.employees
        mask &= (self.min_employees <= max(employees, 1)) & (employees <= self.max_employees)
        if profile.deployment is not None:
            mask &= (self.deployment == profile.deployment) | (self.deployment == "hybrid")
        for slug in profile.current_tools:  # already in use: nothing to recommend
            if slug in self.row_of:
                mask[self.row_of[slug]] = False
        return mask, specificity

    # -- costs ------------------------------------------------------------------------

    def monthly(self, rows: Array, users: int, currency: str) -> Array:
        """Each row's monthly cost in `currency` (inf when quote-only), as pricing.py rules."""
        model = self.plan_model[rows]
        price = self.plan_usd[rows]
        seats = np.maximum(self.plan_min_users[rows], users)
        cost = np.select(
            [model == 0, model == 1, model == 2, model == 3, model == 4],
            [np.zeros_like(price), price * seats, price, price / 12, price / 36],
            default=np.inf,
        )
        usd = cost.min(axis=1) if cost.shape[1] else np.full(len(rows), np.inf)
        factor = float(self.rates[currency] / self.rates["USD"])
        result: Array = usd * factor
        return result

    def covered(self, subsidy: SubsidyFacts, rows: Array) -> Array:
        """Rows whose cost the programme may pay (registration, then expense type)."""
        known = self.registered.get(subsidy.slug)
        registered = known[rows] if known is not None else np.zeros(len(rows), dtype=np.bool_)
        if subsidy.registered_tools_only:
            return registered
        ok_deployments = [
            d for d, kinds in EXPENSES_OF_DEPLOYMENT.items()
            if any(kind in subsidy.expense_types for kind in kinds)
        ]  # fmt: skip
        by_type = np.isin(self.deployment[rows], [d or "" for d in ok_deployments])
        result: Array = registered | by_type
        return result


def _specificity(listed: tuple[str, ...], industry: str) -> float:
    if not listed:
        return 0.3
    if not fits_industry(listed, industry):
        return 0.0
    longest = max(len(code) for code in listed if industry_covers(code, industry))
    return 1.0 if longest >= 3 else 0.6


def best_payout(
    catalog: CatalogFeatures,
    rows: Array,
    monthly: Array,
    subsidies: Sequence[SubsidyFacts],
    currency: str,
) -> tuple[Array, Array]:
    """Per row: the most one eligible programme pays towards a year of it, and its index."""
    best = np.zeros(len(rows))
    which = np.full(len(rows), -1)
    yearly = np.where(np.isfinite(monthly), monthly * 12, 0.0)
    for index, subsidy in enumerate(subsidies):
        factor = float(catalog.rates[currency] / catalog.rates[subsidy.currency])
        amount = np.minimum(float(subsidy.rate) * yearly, float(subsidy.max_amount) * factor)
        if subsidy.min_amount is not None:
            amount[amount < float(subsidy.min_amount) * factor] = 0.0
        amount[~catalog.covered(subsidy, rows)] = 0.0
        better = amount > best
        best[better], which[better] = amount[better], index
    return best, which
