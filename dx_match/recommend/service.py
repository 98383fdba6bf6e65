"""The recommender service: the catalog read once per generation, the feedback model, output.

`recommend(profile, today=, lang=)` returns a `Recommendation` (tools, eligible subsidies,
courses, bundles, every programme's conditions and notices, worded in `lang`);
`recommend_json(mapping, today=, lang=)` validates a spec profile and returns the spec's
JSON shape. The catalog arrays are rebuilt only when the search generation (tools) or the
subsidies, courses or taxonomy change, so one recommendation is milliseconds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import joblib
import sqlalchemy as sa
from flask import Flask, current_app, has_request_context, request

from dx_match.catalog.costs import plan_price
from dx_match.catalog.models import Course, Subsidy, Tool
from dx_match.catalog.queries import published_courses, published_tools
from dx_match.extensions import db
from dx_match.recommend.eligibility import SubsidyFacts
from dx_match.recommend.engine import recommend as run_engine
from dx_match.recommend.explain import Explainer
from dx_match.recommend.features import CatalogFeatures, CourseFacts, ToolFacts
from dx_match.recommend.model import FeedbackModel
from dx_match.recommend.profile import Profile, ProfileCodes, parse_profile
from dx_match.recommend.results import Result
from dx_match.search.service import search_service
from dx_match.taxonomy.models import Term
from dx_match.templating import WHOLE_UNIT_CURRENCIES

EXTENSION_KEY = "dx_recommend"
MODEL_DIR = "recommender"
POINTER = "current"
KEY_OF_REQUEST = "dx_match.recommend_catalog_key"


def output_money(amount: Decimal | None, currency: str) -> int | float | None:
    """A JSON number: whole units for TWD/JPY/KRW, else cents (int when whole)."""
    if amount is None:
        return None
    step = Decimal(1) if currency in WHOLE_UNIT_CURRENCIES else Decimal("0.01")
    value = amount.quantize(step, rounding=ROUND_HALF_UP)
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(frozen=True)
class Condition:
    """One condition of a programme for the profile, worded."""

    condition: str
    status: str
    text: str
    fill: str | None


@dataclass(frozen=True)
class Recommendation:
    """A recommendation worded in one language; `result` keeps the codes and the facts."""

    result: Result
    currency: str
    lang: str
    tool_reasons: list[list[str]]
    subsidy_reasons: list[list[str]]
    course_reasons: list[list[str]]
    conditions: dict[str, list[Condition]]
    notices: list[str]

    def to_json(self) -> dict[str, Any]:
        """The spec's output: tools, subsidies and courses, best first."""
        cur = self.currency
        r = self.result
        return {
            "tools": [
                {
                    "slug": t.tool.slug,
                    "score": t.score,
                    "monthly_cost": output_money(t.monthly_cost, cur),
                    "net_monthly_cost": output_money(t.net_monthly_cost, cur),
                    "subsidies": list(t.subsidies),
                    "reasons": reasons,
                }
                for t, reasons in zip(r.tools, self.tool_reasons, strict=True)
            ],
            "subsidies": [
                {
                    "slug": s.subsidy.slug,
                    "estimated_amount": output_money(s.estimated_amount, cur),
                    "reasons": reasons,
                }
                for s, reasons in zip(r.subsidies, self.subsidy_reasons, strict=True)
            ],
            "courses": [
                {"slug": c.course.slug, "score": c.score, "reasons": reasons}
                for c, reasons in zip(r.courses, self.course_reasons, strict=True)
            ],
        }


#: app.extensions key of a function returning {(tool id, ISIC section): median hours saved}.
OUTCOME_HOURS_KEY = "dx_outcome_hours"


class RecommendService:
    """Holds the catalog arrays and the feedback model of one application."""

    def __init__(self, instance_path: Path) -> None:
        self.model_dir = instance_path / MODEL_DIR
        self._lock = threading.Lock()
        self._catalog: tuple[tuple[Any, ...], CatalogFeatures, ProfileCodes] | None = None
        self._model: tuple[str, FeedbackModel | None] | None = None

    # -- catalog --------------------------------------------------------------------

    def _key(self) -> tuple[Any, ...]:
        """What identifies the catalog's state: tool generation, subsidy/course/term stamps."""
        stamps: list[Any] = [search_service().generation()]
        for model in (Subsidy, Course):
            row = db.session.execute(sa.select(sa.func.count(), sa.func.max(model.updated_at)))
            stamps.extend(row.one())
        stamps.append(db.session.scalar(sa.select(sa.func.count()).select_from(Term)))
        return tuple(stamps)

    def catalog(self) -> tuple[CatalogFeatures, ProfileCodes]:
        """The catalog arrays and valid profile codes, rebuilt when the catalog changed."""
        # Asked twice per request (parse, then recommend): the four queries of the key once,
        # kept on the request (not `g`: an app context can outlive one request).
        environ = request.environ if has_request_context() else {}
        key = environ.get(KEY_OF_REQUEST)
        if key is None:
            key = environ[KEY_OF_REQUEST] = self._key()
        with self._lock:
            if self._catalog is None or self._catalog[0] != key:
                self._catalog = (key, *_load_catalog())
            return self._catalog[1], self._catalog[2]

    # -- feedback model ----------------------------------------------------------------

    def model(self) -> FeedbackModel | None:
        """The current feedback model, or None (the rule-based fallback)."""
        pointer = self.model_dir / POINTER
        name = pointer.read_text().strip() if pointer.exists() else ""
        if self._model is None or self._model[0] != name:
            loaded = joblib.load(self.model_dir / name) if name else None
            self._model = (name, loaded if isinstance(loaded, FeedbackModel) else None)
        return self._model[1]

    def save_model(self, model: FeedbackModel) -> Path:
        """Write a model version and point `current` at it."""
        self.model_dir.mkdir(parents=True, exist_ok=True)
        path = self.model_dir / f"model-{model.version}.joblib"
        joblib.dump(model, path)
        temporary = self.model_dir / (POINTER + ".tmp")
        temporary.write_text(path.name)
        temporary.replace(self.model_dir / POINTER)  # atomic: readers see old or new
        return path

    def next_version(self) -> int:
        """One more than the highest saved version."""
        versions = [int(p.stem.split("-")[1]) for p in self.model_dir.glob("model-*.joblib")]
        return max(versions, default=0) + 1

    # -- recommending ----------------------------------------------------------------

    def parse(self, raw: Any) -> Profile:
        """Validate a spec profile mapping (raises ProfileInvalid naming every field)."""
        return parse_profile(raw, self.catalog()[1])

    def recommend(self, profile: Profile, *, today: date, lang: str = "en") -> Recommendation:
        """Recommend for a validated profile, worded in `lang`."""
        catalog, _codes = self.catalog()
        result = run_engine(profile, catalog, today=today, model=self.model())
        words = Explainer(lang, catalog.labels)
        with words.speaking():
            conditions = {
                v.slug: [Condition(c.condition, c.status, words.check(c), c.fill) for c in v.checks]
                for v in result.verdicts
            }
            return Recommendation(
                result=result,
                currency=profile.currency,
                lang=words.lang,
                tool_reasons=[words.texts(t.reasons) for t in result.tools],
                subsidy_reasons=[words.texts(s.reasons) for s in result.subsidies],
                course_reasons=[words.texts(c.reasons) for c in result.courses],
                conditions=conditions,
                notices=words.texts(result.notices),
            )


def _load_catalog() -> tuple[CatalogFeatures, ProfileCodes]:
    """Read published tools, courses, subsidies and the taxonomy into arrays."""
    tools = [_tool_facts(t) for t in db.session.scalars(published_tools().order_by(Tool.id))]
    courses = [
        _course_facts(c) for c in db.session.scalars(published_courses().order_by(Course.id))
    ]
    subsidies = [
        _subsidy_facts(s) for s in db.session.scalars(sa.select(Subsidy).order_by(Subsidy.slug))
    ]
    terms = db.session.execute(sa.select(Term.kind, Term.code, Term.name)).all()
    labels = {(kind, code): name for kind, code, name in terms}
    by_kind: dict[str, set[str]] = {}
    for kind, code, _name in terms:
        by_kind.setdefault(kind, set()).add(code)
    rates = current_app.config["DX_RATES"]
    codes = ProfileCodes(
        industries=frozenset(by_kind.get("industries", ())),
        functions=frozenset(by_kind.get("functions", ())),
        challenges=frozenset(by_kind.get("challenges", ())),
        currencies=frozenset(rates),
    )
    analyzer = search_service().analyzer
    # The outcome signal comes from the reviews package (above this one), registered at start.
    provider = current_app.extensions.get(OUTCOME_HOURS_KEY)
    hours = provider() if provider is not None else {}
    catalog = CatalogFeatures(tools, courses, subsidies, labels, analyzer.terms, rates, hours)
    return catalog, codes


def _tool_facts(tool: Tool) -> ToolFacts:
    return ToolFacts(
        id=tool.id,
        slug=tool.slug,
        name=tool.name,
        summary=tool.summary,
        description=tool.description,
        functions=tuple(tool.functions),
        industries=tuple(tool.industries),
        regions=tuple(tool.regions),
        languages=tuple(tool.languages),
        deployment=tool.deployment,
        min_employees=tool.min_employees,
        max_employees=tool.max_employees,
        trial_days=tool.trial_days,
        integrations=tuple(tool.integrations),
        plans=tuple(plan_price(p) for p in tool.plans),
        subsidies=tuple(s.slug for s in tool.subsidies),
    )


def _course_facts(course: Course) -> CourseFacts:
    return CourseFacts(
        id=course.id,
        slug=course.slug,
        title=course.title,
        skills=tuple(course.skills),
        functions=tuple(course.functions),
        tools=tuple(t.slug for t in course.tools),
        level=course.level,
        format=course.format,
        language=course.language,
        region=course.region,
        price=course.price,
        currency=course.currency,
        sessions=tuple(s.starts for s in course.sessions),
        subsidies=tuple(s.slug for s in course.subsidies),
    )


def _subsidy_facts(subsidy: Subsidy) -> SubsidyFacts:
    return SubsidyFacts(
        slug=subsidy.slug,
        name=subsidy.name,
        regions=tuple(subsidy.regions),
        industries=tuple(subsidy.industries),
        sme_definition=subsidy.sme_definition,
        max_employees=subsidy.max_employees,
        max_capital=subsidy.max_capital,
        expense_types=tuple(subsidy.expense_types),
        rate=subsidy.rate,
        max_amount=subsidy.max_amount,
        min_amount=subsidy.min_amount,
        currency=subsidy.currency,
        registered_tools_only=subsidy.registered_tools_only,
        opens=subsidy.opens,
        closes=subsidy.closes,
    )


def recommend_service(app: Flask | None = None) -> RecommendService:
    """The app's recommender service (created on first use)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    service = app.extensions.get(EXTENSION_KEY)
    if service is None:
        service = RecommendService(Path(app.instance_path))
        app.extensions[EXTENSION_KEY] = service
    assert isinstance(service, RecommendService)
    return service


def recommend(profile: Profile, *, today: date, lang: str = "en") -> Recommendation:
    """Recommend for a validated profile (see RecommendService.recommend)."""
    return recommend_service().recommend(profile, today=today, lang=lang)


def recommend_json(raw: Any, *, today: date, lang: str = "en") -> dict[str, Any]:
    """Validate a spec profile mapping and return the spec's JSON output."""
    service = recommend_service()
    return service.recommend(service.parse(raw), today=today, lang=lang).to_json()
