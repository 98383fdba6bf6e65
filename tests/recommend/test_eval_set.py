"""The shipped evaluation set: it loads, names only real catalog rows and valid codes, and its
hand-derived subsidy lists agree with a rule evaluation written here from the spec's text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from dx_match import yamlio
from dx_match.catalog.pricing import Company, is_sme
from dx_match.recommend.evaluate import EvalCase, load_cases
from dx_match.taxonomy.codes import is_currency, is_language, is_region
from tests.recommend.conftest import builtin_codes

ROOT = Path(__file__).resolve().parents[2]
JUDGMENTS = ROOT / "catalog" / "eval" / "judgments.yaml"
DEMO = ROOT / "catalog" / "demo"
RATES = {"USD": Decimal(1), "TWD": Decimal(32), "JPY": Decimal(150)}  # the spec's defaults


@cache
def _cases() -> tuple[EvalCase, ...]:
    return tuple(load_cases(JUDGMENTS, builtin_codes()))


@cache
def _rows(name: str) -> dict[str, dict[str, Any]]:
    return {row["slug"]: row for row in yamlio.load(DEMO / f"{name}.yaml")[name]}


@cache
def _codes(kind: str) -> frozenset[str]:
    return frozenset(term["code"] for term in yamlio.load(ROOT / "catalog" / "taxonomy.yaml")[kind])


def _ids() -> list[str]:
    return [case.id for case in _cases()]


def _case(case_id: str) -> EvalCase:
    return next(case for case in _cases() if case.id == case_id)


def test_the_set_loads_and_is_large_and_varied() -> None:
    cases = _cases()
    assert len(cases) >= 30
    countries = {case.profile["country"] for case in cases}
    assert {"TW", "JP"} <= countries
    assert len(countries - {"TW", "JP"}) >= 2
    sections = {case.profile["industry"][0] for case in cases}
    assert {"C", "F", "G", "H", "I", "M", "Q", "S"} <= sections
    assert {case.profile["currency"] for case in cases} == {"TWD", "JPY", "USD"}
    sizes = [case.profile["employees"] for case in cases]
    assert min(sizes) <= 3 and max(sizes) >= 150
    assert any(not case.profile["goals"] for case in cases)
    assert any("capital" not in case.profile for case in cases)
    assert any("deployment" in case.profile for case in cases)
    # most cases grade several tools and a few courses; a few are "little fits" on purpose
    assert sum(len(case.tools) >= 5 for case in cases) >= 25
    assert sum(2 <= len(case.courses) <= 6 for case in cases) >= 25
    assert sum(bool(case.subsidies) for case in cases) >= 25
    assert sum(not case.subsidies for case in cases) >= 3


@pytest.mark.parametrize("case_id", _ids())
def test_every_slug_is_in_the_demo_catalog(case_id: str) -> None:
    case = _case(case_id)
    tools, courses, subsidies = _rows("tools"), _rows("courses"), _rows("subsidies")
    assert set(case.tools) - set(tools) == set()
    assert set(case.must_not) - set(tools) == set()
    assert set(case.courses) - set(courses) == set()
    assert set(case.subsidies) - set(subsidies) == set()
    tags = {tag for row in tools.values() for tag in row.get("integrations") or []}
    assert set(case.profile.get("current_tools", [])) - tags - set(tools) == set()


@pytest.mark.parametrize("case_id", _ids())
def test_every_profile_code_is_valid(case_id: str) -> None:
    profile = _case(case_id).profile
    assert profile["industry"] in _codes("industries")
    assert set(profile["goals"]) <= _codes("functions")
    assert set(profile.get("challenges", [])) <= _codes("challenges")
    assert set(profile.get("maturity", {})) <= _codes("functions")
    assert is_region(profile["country"])
    assert "region" not in profile or is_region(profile["region"])
    assert is_currency(profile["currency"])
    assert all(is_language(tag) for tag in profile["languages"])


# -- an independent reading of the spec's rules ----------------------------------------------


def _within(listed: str, code: str) -> bool:
    """Prefix rule for regions: a country covers its subdivisions."""
    return code == listed or code.startswith(listed + "-")


def _eligible(subsidy: dict[str, Any], profile: dict[str, Any], today: date) -> bool:
    """The spec: region, industry, SME definition, caps, open window."""
    location = profile.get("region") or profile["country"]
    if not any(_within(region, location) for region in subsidy["regions"]):
        return False
    industries = subsidy.get("industries") or []
    if industries and not any(profile["industry"].startswith(code) for code in industries):
        return False
    company = Company(
        industry=profile["industry"],
        employees=profile["employees"],
        currency=profile["currency"],
        capital=None if "capital" not in profile else Decimal(profile["capital"]),
        annual_revenue=None
        if "annual_revenue" not in profile
        else Decimal(profile["annual_revenue"]),
    )
    # Unknown SME status (None) is not eligibility: the rules must establish it.
    if is_sme(subsidy.get("sme_definition", "none"), company, RATES) is not True:
        return False
    if subsidy.get("max_employees") is not None and profile["employees"] > subsidy["max_employees"]:
        return False
    if subsidy.get("max_capital") is not None and (
        "capital" not in profile or profile["capital"] > subsidy["max_capital"]
    ):
        return False
    opens, closes = subsidy.get("opens"), subsidy.get("closes")
    return (opens is None or opens <= today) and (closes is None or today <= closes)


@pytest.mark.parametrize("case_id", _ids())
def test_hand_derived_subsidies_match_the_rules(case_id: str) -> None:
    case = _case(case_id)
    derived = {
        slug
        for slug, row in _rows("subsidies").items()
        if _eligible(row, dict(case.profile), case.today)
    }
    assert derived == case.subsidies


def test_the_dates_put_programmes_before_opening_open_and_after_closing() -> None:
    seen = set()
    for case in _cases():
        for row in _rows("subsidies").values():
            location = case.profile.get("region") or case.profile["country"]
            if not any(_within(region, location) for region in row["regions"]):
                continue
            if row.get("opens") and case.today < row["opens"]:
                seen.add("before")
            elif row.get("closes") and case.today > row["closes"]:
                seen.add("after")
            elif row.get("opens"):
                seen.add("open")
            if case.today in (row.get("opens"), row.get("closes")):
                seen.add("boundary day")
    assert seen == {"before", "open", "after", "boundary day"}


# -- the top-10 constraint and the grades agree with the catalog ----------------------------


def _unfit(tool: dict[str, Any], profile: dict[str, Any]) -> list[str]:
    """Why a company cannot use a tool: UI language, region, industry (empty = it can)."""
    reasons = []
    if not set(profile["languages"]) & set(tool.get("languages") or []):
        reasons.append("language")
    location = profile.get("region") or profile["country"]
    regions = tool.get("regions") or []
    if regions and not any(_within(r, location) or _within(location, r) for r in regions):
        reasons.append("region")
    industries = tool.get("industries") or []
    if industries and not any(profile["industry"].startswith(code) for code in industries):
        reasons.append("industry")
    return reasons


@pytest.mark.parametrize("case_id", _ids())
def test_must_not_tools_really_break_a_hard_rule(case_id: str) -> None:
    case = _case(case_id)
    tools = _rows("tools")
    assert [slug for slug in case.must_not if not _unfit(tools[slug], dict(case.profile))] == []


@pytest.mark.parametrize("case_id", _ids())
def test_graded_tools_and_courses_are_usable_by_the_company(case_id: str) -> None:
    case = _case(case_id)
    tools, courses = _rows("tools"), _rows("courses")
    profile = dict(case.profile)
    assert {s: _unfit(tools[s], profile) for s, g in case.tools.items() if g} == {
        s: [] for s, g in case.tools.items() if g
    }
    assert {courses[s]["language"] for s in case.courses} <= set(profile["languages"])
