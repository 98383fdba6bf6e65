"""Offline evaluation of the recommender against an advisor's graded judgments (pure).

The judgments file (YAML or JSON, read with `dx_match.yamlio`; `catalog/eval/judgments.yaml`
is the shipped set) is a list of cases, or a mapping whose `cases` key holds that list:

    - id: cafe-taipei              # unique, required
      today: 2026-11-15            # ISO date the subsidy windows are judged on, required
      profile: {...}               # an SME profile, exactly the shape in the catalog format spec
      tools: {slug: 3, slug: 1}    # grade 0..3: 3 what an advisor puts first, 2 good, 1 acceptable;
                                   # absent = 0
      subsidies: [slug, ...]       # exactly the programmes the profile is eligible for on `today`
      courses: {slug: 2}           # grades as for tools
      must_not: [slug, ...]        # optional: tools that may not appear in the top 10
                                   # (UI language the company cannot read, not sold in its
                                   # region, made for another industry)

Metrics, per case and as means over the cases:
- tools: graded NDCG@10, gain (2^grade - 1) / log2(rank + 1), ideal DCG from the judged
  grades; a case that grades nothing has no NDCG (None) and is left out of the mean;
- subsidies: precision and recall of the recommended set against `subsidies`, micro (pooled
  over cases) and macro (mean of cases); an empty recommendation has precision 1.0 (it claims
  nothing wrong) and an empty judged set has recall 1.0 (nothing to miss);
- courses: graded NDCG@5 as for tools;
- constraint violations: `must_not` tools ranked in the top 10.

`recommend(profile, today)` must return the spec's `dx-match recommend` output: a mapping with
`tools`, `subsidies` and `courses`, each a ranked list of objects with a `slug`.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from dx_match import yamlio
from dx_match.errors import DxError, ValidationFailed
from dx_match.recommend.profile import ProfileCodes, ProfileInvalid, parse_profile

TOOL_K = 10
COURSE_K = 5
MAX_GRADE = 3
SLUG = re.compile(r"^[a-z0-9-]{2,80}$")
CASE_KEYS = frozenset({"id", "today", "profile", "tools", "subsidies", "courses", "must_not"})
Recommend = Callable[[Mapping[str, Any], date], Mapping[str, Any]]


class JudgmentsError(ValidationFailed):
    """A judgments file that breaks the format; each problem names the case and the field."""


class RecommendOutputError(DxError):
    """The recommender returned something that is not the spec's recommend output."""


@dataclass(frozen=True)
class EvalCase:
    """One judged profile."""

    id: str
    today: date
    profile: Mapping[str, Any]
    tools: Mapping[str, int]
    subsidies: frozenset[str]
    courses: Mapping[str, int]
    must_not: frozenset[str] = frozenset()


# -- metrics -------------------------------------------------------------------


def dcg(grades: Iterable[int]) -> float:
    """Discounted cumulative gain of grades in rank order: sum of (2^g - 1) / log2(rank + 1)."""
    return float(sum((2**grade - 1) / math.log2(rank + 1) for rank, grade in enumerate(grades, 1)))


def _first_occurrences(ranked: Iterable[str]) -> list[str]:
    # A slug listed twice must not earn its gain twice.
    return list(dict.fromkeys(ranked))


def ndcg_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int) -> float | None:
    """Graded NDCG of the first k of `ranked`; None when no item is graded above 0."""
    ideal = dcg(sorted((g for g in grades.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return None
    return dcg(grades.get(slug, 0) for slug in _first_occurrences(ranked)[:k]) / ideal


def precision(predicted: Collection[str], relevant: Collection[str]) -> float:
    """Share of predicted items that are relevant; 1.0 when nothing is predicted."""
    chosen = set(predicted)
    return 1.0 if not chosen else len(chosen & set(relevant)) / len(chosen)


def recall(predicted: Collection[str], relevant: Collection[str]) -> float:
    """Share of relevant items that were predicted; 1.0 when nothing is relevant."""
    wanted = set(relevant)
    return 1.0 if not wanted else len(wanted & set(predicted)) / len(wanted)


def _mean(values: Iterable[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


# -- report --------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """A `must_not` tool found in the top 10, with its 1-based rank."""

    slug: str
    rank: int


@dataclass(frozen=True)
class CaseResult:
    """The scores of one case."""

    id: str
    tool_ndcg: float | None
    course_ndcg: float | None
    subsidies_predicted: frozenset[str]
    subsidies_expected: frozenset[str]
    violations: tuple[Violation, ...] = ()

    @property
    def subsidy_precision(self) -> float:
        """Precision of the recommended subsidies."""
        return precision(self.subsidies_predicted, self.subsidies_expected)

    @property
    def subsidy_recall(self) -> float:
        """Recall of the recommended subsidies."""
        return recall(self.subsidies_predicted, self.subsidies_expected)

    @property
    def missing_subsidies(self) -> list[str]:
        """Eligible programmes the recommender left out."""
        return sorted(self.subsidies_expected - self.subsidies_predicted)

    @property
    def extra_subsidies(self) -> list[str]:
        """Programmes recommended although the profile is not eligible."""
        return sorted(self.subsidies_predicted - self.subsidies_expected)

    def as_dict(self) -> dict[str, Any]:
        """The case's scores as JSON-ready data."""
        return {
            "id": self.id,
            "tool_ndcg": self.tool_ndcg,
            "course_ndcg": self.course_ndcg,
            "subsidy_precision": self.subsidy_precision,
            "subsidy_recall": self.subsidy_recall,
            "missing_subsidies": self.missing_subsidies,
            "extra_subsidies": self.extra_subsidies,
            "violations": [{"slug": v.slug, "rank": v.rank} for v in self.violations],
        }


@dataclass(frozen=True)
class EvaluationReport:
    """Per-case and mean scores of one evaluation run."""

    cases: tuple[CaseResult, ...]
    tool_k: int = TOOL_K
    course_k: int = COURSE_K
    summary: dict[str, Any] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        predicted = sum(len(c.subsidies_predicted) for c in self.cases)
        expected = sum(len(c.subsidies_expected) for c in self.cases)
        hits = sum(len(c.subsidies_predicted & c.subsidies_expected) for c in self.cases)
        summary = {
            "cases": len(self.cases),
            "tool_ndcg": _mean(c.tool_ndcg for c in self.cases),
            "course_ndcg": _mean(c.course_ndcg for c in self.cases),
            # pooled counts, with the same empty-set conventions as per case
            "subsidy_precision_micro": hits / predicted if predicted else 1.0,
            "subsidy_recall_micro": hits / expected if expected else 1.0,
            "subsidy_precision_macro": _mean(c.subsidy_precision for c in self.cases),
            "subsidy_recall_macro": _mean(c.subsidy_recall for c in self.cases),
            "subsidy_exact_cases": sum(
                c.subsidies_predicted == c.subsidies_expected for c in self.cases
            ),
            "violations": sum(len(c.violations) for c in self.cases),
        }
        object.__setattr__(self, "summary", summary)

    def as_dict(self) -> dict[str, Any]:
        """The whole report as JSON-ready data."""
        return {
            "tool_k": self.tool_k,
            "course_k": self.course_k,
            "summary": dict(self.summary),
            "cases": [c.as_dict() for c in self.cases],
        }

    def format_text(self) -> str:
        """A readable table: one row per case, the means, then every mismatch."""
        s = self.summary
        tools_col, courses_col = f"tools@{self.tool_k}", f"courses@{self.course_k}"
        width = max([4, *(len(c.id) for c in self.cases)])
        head = f"{'case':<{width}}  {tools_col:>8}  {'subs P':>6}  {'subs R':>6}  "
        lines = [head + f"{courses_col:>10}  {'must_not':>8}", "-" * (width + 50)]
        for c in self.cases:
            lines.append(
                f"{c.id:<{width}}  {_num(c.tool_ndcg):>8}  {_num(c.subsidy_precision):>6}  "
                f"{_num(c.subsidy_recall):>6}  {_num(c.course_ndcg):>10}  {len(c.violations):>8}"
            )
        lines += [
            "-" * (width + 50),
            f"{'mean':<{width}}  {_num(s['tool_ndcg']):>8}  "
            f"{_num(s['subsidy_precision_macro']):>6}  {_num(s['subsidy_recall_macro']):>6}  "
            f"{_num(s['course_ndcg']):>10}  {s['violations']:>8}",
            "",
            f"cases: {s['cases']}; subsidy sets exactly right: {s['subsidy_exact_cases']}",
            f"subsidies micro: precision {_num(s['subsidy_precision_micro'])}, "
            f"recall {_num(s['subsidy_recall_micro'])}",
        ]
        for c in self.cases:
            if c.missing_subsidies or c.extra_subsidies:
                lines.append(
                    f"{c.id}: subsidies missing [{', '.join(c.missing_subsidies)}], "
                    f"not eligible [{', '.join(c.extra_subsidies)}]"
                )
            if c.violations:
                listed = ", ".join(f"{v.slug} (#{v.rank})" for v in c.violations)
                lines.append(f"{c.id}: must-not tools in the top {self.tool_k}: {listed}")
        return "\n".join(lines) + "\n"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


# -- evaluation ----------------------------------------------------------------


def _ranked_slugs(output: Mapping[str, Any], key: str, case_id: str) -> list[str]:
    items = output.get(key, []) if isinstance(output, Mapping) else None
    if not isinstance(items, list):
        raise RecommendOutputError(f"case {case_id}: recommend output: {key}: not a list")
    slugs = []
    for index, item in enumerate(items, 1):
        slug = item.get("slug") if isinstance(item, Mapping) else None
        if not isinstance(slug, str):
            raise RecommendOutputError(f"case {case_id}: recommend output: {key}[{index}]: no slug")
        slugs.append(slug)
    return slugs


def evaluate_case(case: EvalCase, output: Mapping[str, Any]) -> CaseResult:
    """Score one recommend output against one case's judgments."""
    tools = _ranked_slugs(output, "tools", case.id)
    top = _first_occurrences(tools)[:TOOL_K]
    return CaseResult(
        id=case.id,
        tool_ndcg=ndcg_at_k(tools, case.tools, TOOL_K),
        course_ndcg=ndcg_at_k(_ranked_slugs(output, "courses", case.id), case.courses, COURSE_K),
        subsidies_predicted=frozenset(_ranked_slugs(output, "subsidies", case.id)),
        subsidies_expected=case.subsidies,
        violations=tuple(
            Violation(slug, rank) for rank, slug in enumerate(top, 1) if slug in case.must_not
        ),
    )


def evaluate(cases: Iterable[EvalCase], recommend: Recommend) -> EvaluationReport:
    """Run `recommend` on every case and score it."""
    results = []
    for case in cases:
        # A copy, so a recommender that edits its input cannot change later cases.
        profile = copy.deepcopy(dict(case.profile))
        try:
            output = recommend(profile, case.today)
        except Exception as exc:
            exc.add_note(f"while recommending for case {case.id}")
            raise
        results.append(evaluate_case(case, output))
    return EvaluationReport(tuple(results))


# -- loading -------------------------------------------------------------------


def load_cases(path: Path, codes: ProfileCodes) -> list[EvalCase]:
    """Read and validate a judgments file (profiles against `codes`); JudgmentsError lists every
    problem found."""
    try:
        data = yamlio.load(path)
    except (OSError, yamlio.LoadError) as exc:
        raise JudgmentsError([f"{path}: {exc}"]) from exc
    if isinstance(data, Mapping) and "cases" in data:
        data = data["cases"]
    if not isinstance(data, list) or not data:
        raise JudgmentsError([f"{path}: expected a non-empty list of cases"])
    problems: list[str] = []
    cases: list[EvalCase] = []
    seen: set[str] = set()
    for number, raw in enumerate(data, 1):
        label = f"case {number}"
        if isinstance(raw, Mapping) and isinstance(raw.get("id"), str) and raw["id"].strip():
            label = raw["id"]
        case = _check_case(raw, label, problems, codes)
        if case is None:
            continue
        if case.id in seen:
            problems.append(f"{label}: id: duplicate id")
        seen.add(case.id)
        cases.append(case)
    if problems:
        raise JudgmentsError(problems)
    return cases


def _check_case(raw: Any, label: str, problems: list[str], codes: ProfileCodes) -> EvalCase | None:
    def fail(name: str, message: str) -> None:
        problems.append(f"{label}: {name}: {message}")

    if not isinstance(raw, Mapping):
        fail("case", "expected a mapping")
        return None
    for key in sorted(set(raw) - CASE_KEYS, key=str):
        fail(str(key), "unknown field")
    before = len(problems)
    if not (isinstance(raw.get("id"), str) and raw["id"].strip()):
        fail("id", "required, a non-empty string")
    today = raw.get("today")
    if isinstance(today, str):
        try:
            today = date.fromisoformat(today)
        except ValueError:
            today = None
    if not isinstance(today, date):
        fail("today", "required, an ISO date (YYYY-MM-DD)")
    profile = raw.get("profile")
    if isinstance(profile, Mapping):
        try:  # the recommender's own profile rules, so a case can never hold what it rejects
            parse_profile(profile, codes)
        except ProfileInvalid as exc:
            for name, message in exc.problems:
                fail(f"profile.{name}", message)
    else:
        fail("profile", "required, a mapping")
    tools = _grades(raw.get("tools", {}), "tools", fail)
    courses = _grades(raw.get("courses", {}), "courses", fail)
    subsidies = _slug_list(raw.get("subsidies"), "subsidies", fail, required=True)
    must_not = _slug_list(raw.get("must_not", []), "must_not", fail, required=False)
    for slug in sorted(must_not & {s for s, g in tools.items() if g > 0}):
        fail(f"must_not.{slug}", "also graded as a good tool")
    if len(problems) > before:
        return None
    return EvalCase(raw["id"], today, dict(profile), tools, subsidies, courses, must_not)  # type: ignore[arg-type]


def _grades(value: Any, name: str, fail: Callable[[str, str], None]) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        fail(name, "expected a mapping of slug to grade 0..3")
        return {}
    grades = {}
    for slug, grade in value.items():
        if not (isinstance(slug, str) and SLUG.match(slug)):
            fail(f"{name}.{slug}", "not a slug")
        elif isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= MAX_GRADE:
            fail(f"{name}.{slug}", f"grade must be an integer 0..{MAX_GRADE}, not {grade!r}")
        else:
            grades[slug] = grade
    return grades


def _slug_list(
    value: Any, name: str, fail: Callable[[str, str], None], *, required: bool
) -> frozenset[str]:
    if value is None and not required:
        return frozenset()
    if not isinstance(value, list):
        fail(name, "required, a list of slugs (may be empty)" if required else "a list of slugs")
        return frozenset()
    bad = [item for item in value if not (isinstance(item, str) and SLUG.match(item))]
    for item in bad:
        fail(name, f"{item!r} is not a slug")
    good = [item for item in value if item not in bad]
    if len(set(good)) < len(good):
        fail(name, "lists a slug twice")
    return frozenset(good)
