"""Latency of one whole recommendation at 1k, 10k and 100k synthetic tools, against brute force.

    .venv/bin/python bench/recommend.py [--tools N] [--profiles P]

Builds a synthetic catalog in memory (no database), fits the arrays and TF-IDF once, then
times `engine.recommend` (filters, features, scores, diversity, exact costs, courses,
subsidies, bundles) for P profiles. The baseline scores every tool by brute force — the
TF-IDF dot product and features over the whole catalog, a full sort, then the filters —
in the same run. Also times fitting the feedback model on synthetic feedback. The last
line is `summary: n=N p95_ms=... baseline_p95_ms=...` for the largest N run.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date
from decimal import Decimal

import numpy as np

from dx_match.catalog.pricing import PlanPrice
from dx_match.recommend.eligibility import SubsidyFacts
from dx_match.recommend.engine import _goal_strengths, recommend, tool_features
from dx_match.recommend.features import CatalogFeatures, CourseFacts, ToolFacts
from dx_match.recommend.model import fit_feedback
from dx_match.recommend.profile import Profile
from dx_match.search.tokenize import Analyzer

RATES = {"USD": Decimal(1), "TWD": Decimal(32), "JPY": Decimal(150)}
FUNCTIONS = [
    "sales.pos",
    "sales.crm",
    "sales.ecommerce",
    "finance.accounting",
    "finance.invoicing",
    "hr.attendance",
    "hr.payroll",
    "supply.inventory",
    "supply.production",
    "ops.analytics",
]
INDUSTRIES = ["I56", "G47", "G46", "C25", "C10", "F43", "M69", "Q86", "H49", "I55"]
REGIONS = [("TW",), ("JP",), ("TW", "JP"), (), ("JP-13",), ("TW-TPE",)]
LANGUAGES = [("zh-TW",), ("ja",), ("en",), ("zh-TW", "en"), ("ja", "en"), ("en", "zh-TW", "ja")]
WORDS = "cloud pos invoice order delivery shift stock report mobile line 雲端 收銀 發票 外送 排班 庫存 クラウド 勤怠 在庫 会計".split()
TODAY = date(2026, 11, 26)


def synthetic_tools(n: int, rng: random.Random) -> list[ToolFacts]:
    """n tools with random taxonomy, prices and short trilingual text."""
    tools = []
    for i in range(n):
        functions = tuple(rng.sample(FUNCTIONS, rng.randint(1, 3)))
        text = " ".join(rng.choices(WORDS, k=12))
        tools.append(
            ToolFacts(
                id=i,
                slug=f"tool-{i}",
                name=f"Tool {i}",
                summary=text,
                functions=functions,
                industries=tuple(rng.sample(INDUSTRIES, rng.choice([0, 0, 1, 2]))),
                regions=rng.choice(REGIONS),
                languages=rng.choice(LANGUAGES),
                deployment=rng.choice(["cloud", "cloud", "hybrid", "on_premise"]),
                min_employees=rng.choice([None, 1, 5]),
                max_employees=rng.choice([None, 50, 300]),
                trial_days=rng.choice([0, 14, 30]),
                integrations=tuple(rng.sample(["line-pay", "excel", "csv", "paypay", "api"], 2)),
                plans=(
                    PlanPrice(
                        rng.choice(["flat_month", "per_user_month", "per_year"]),
                        Decimal(rng.randint(5, 200)),
                        "USD",
                        None,
                    ),
                ),
                subsidies=("tw-cloud-market",) if rng.random() < 0.2 else (),
            )
        )
    return tools


def synthetic_courses(rng: random.Random, tools: list[ToolFacts]) -> list[CourseFacts]:
    """200 courses teaching random tools."""
    return [
        CourseFacts(
            id=i,
            slug=f"course-{i}",
            title=f"Course {i}",
            skills=(
                rng.choice(["skill.accounting_software", "skill.ecommerce", "skill.dx_leadership"]),
            ),
            functions=(rng.choice(FUNCTIONS),),
            tools=(rng.choice(tools).slug,),
            language=rng.choice(["zh-TW", "ja", "en"]),
            format="online",
            price=Decimal(rng.randint(0, 5000)),
            currency="TWD",
        )
        for i in range(200)
    ]


SUBSIDIES = [
    SubsidyFacts(
        "tw-cloud-market",
        ("TW",),
        Decimal(1),
        Decimal(30000),
        "TWD",
        ("cloud_service",),
        sme_definition="TW",
        registered_tools_only=True,
        closes=date(2026, 12, 31),
    ),
    SubsidyFacts(
        "jp-it-intro",
        ("JP",),
        Decimal("0.5"),
        Decimal(4500000),
        "JPY",
        ("software", "cloud_service"),
        sme_definition="JP",
        min_amount=Decimal(50000),
    ),
    SubsidyFacts("tw-training", ("TW",), Decimal("0.8"), Decimal(100000), "TWD", ("training",)),
]


def profiles(rng: random.Random, count: int) -> list[Profile]:
    """Random TW and JP profiles with goals, budgets and notes."""
    out = []
    for _ in range(count):
        country = rng.choice(["TW", "JP"])
        out.append(
            Profile(
                country=country,
                region=None,
                industry=rng.choice(INDUSTRIES),
                employees=rng.randint(3, 120),
                currency="TWD" if country == "TW" else "JPY",
                goals=tuple(rng.sample(FUNCTIONS, 2)),
                challenges=("challenge.cost",),
                budget_monthly=Decimal(rng.randint(1000, 20000)),
                current_tools=("line-pay",),
                notes=" ".join(rng.choices(WORDS, k=6)),
            )
        )
    return out


def baseline(catalog: CatalogFeatures, profile: Profile) -> list[int]:
    """Brute force: every tool's features and score, a full sort, then the hard filters."""
    rows = np.arange(len(catalog))
    mask, specificity = catalog.candidates(profile)
    strengths = _goal_strengths(catalog, rows, profile.goals)
    features = tool_features(
        profile, catalog, rows=rows, strengths=strengths, specificity=specificity, eligible=[]
    )
    order = np.argsort(-(features @ np.ones(features.shape[1])), kind="stable")
    return [int(r) for r in order if mask[r] and strengths[r].max() > 0][:10]


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    values = np.array(samples) * 1000
    return float(np.percentile(values, 50)), float(np.percentile(values, 95))


def run(n: int, count: int, analyzer: Analyzer) -> tuple[float, float]:
    """Time one size; print its line; return (p95, baseline p95)."""
    rng = random.Random(n)
    tools = synthetic_tools(n, rng)
    courses = synthetic_courses(rng, tools)
    started = time.perf_counter()
    catalog = CatalogFeatures(tools, courses, SUBSIDIES, {}, analyzer.terms, RATES)
    fit_s = time.perf_counter() - started
    sample = profiles(rng, count)
    recommend(sample[0], catalog, today=TODAY)  # warm caches (language distances)
    ours, brute = [], []
    for profile in sample:
        t0 = time.perf_counter()
        recommend(profile, catalog, today=TODAY)
        t1 = time.perf_counter()
        baseline(catalog, profile)
        t2 = time.perf_counter()
        ours.append(t1 - t0)
        brute.append(t2 - t1)
    features = np.random.default_rng(0).random((5000, 10))
    signals = ["adopt" if f[0] + f[3] > 1 else "dismiss" for f in features]
    t0 = time.perf_counter()
    fit_feedback(features, signals, version=1)
    train_s = time.perf_counter() - t0
    p50, p95 = percentiles(ours)
    b50, b95 = percentiles(brute)
    print(
        f"n={n:>6}  fit {fit_s:6.2f} s  recommend p50 {p50:6.2f} ms p95 {p95:6.2f} ms  "
        f"brute force p50 {b50:7.2f} ms p95 {b95:7.2f} ms  train(5k feedback) {train_s * 1000:.0f} ms"
    )
    return p95, b95


def main() -> None:
    """Run the sizes asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=int, help="only this catalog size")
    parser.add_argument("--profiles", type=int, default=100)
    args = parser.parse_args()
    sizes = [args.tools] if args.tools else [1000, 10000, 100000]
    analyzer = Analyzer()
    last = (0.0, 0.0)
    for n in sizes:
        last = run(n, args.profiles, analyzer)
    print(f"summary: n={sizes[-1]} p95_ms={last[0]:.2f} baseline_p95_ms={last[1]:.2f}")


if __name__ == "__main__":
    main()
