"""The evaluation metrics and report, against hand-computed values and a fixed fake recommender."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dx_match.recommend.evaluate import (
    EvalCase,
    JudgmentsError,
    RecommendOutputError,
    dcg,
    evaluate,
    load_cases,
    ndcg_at_k,
    precision,
    recall,
)
from tests.recommend.conftest import builtin_codes

LOG3 = math.log2(3)

CODES = builtin_codes()


@pytest.mark.parametrize(
    ("grades", "expected"),
    [
        ([], 0.0),
        ([0, 0], 0.0),
        ([3], 7.0),
        ([1, 1], 1 + 1 / LOG3),
        ([3, 2, 1], 7 + 3 / LOG3 + 1 / 2),
        ([0, 0, 0, 3], 7 / math.log2(5)),
    ],
)
def test_dcg(grades: list[int], expected: float) -> None:
    assert dcg(grades) == pytest.approx(expected)


GRADES = {"a": 3, "b": 2, "c": 1}
IDEAL = 7 + 3 / LOG3 + 1 / 2


@pytest.mark.parametrize(
    ("ranked", "grades", "k", "expected"),
    [
        (["a", "b", "c"], GRADES, 10, 1.0),
        (["c", "b", "a"], GRADES, 10, (1 + 3 / LOG3 + 7 / 2) / IDEAL),
        (["x", "a"], GRADES, 10, (7 / LOG3) / IDEAL),
        (["x", "y"], GRADES, 10, 0.0),
        ([], GRADES, 10, 0.0),
        # only the first k count, and the ideal is cut at k too
        (["b", "a"], GRADES, 1, 3 / 7),
        (["x", "a"], GRADES, 1, 0.0),
        # a slug repeated earns its gain once; the repeat takes no rank
        (["a", "a", "b"], GRADES, 2, 1.0),
        # grade 0 counts as not relevant
        (["z", "a"], {"a": 3, "z": 0}, 10, (7 / LOG3) / 7),
        # nothing judged relevant: NDCG is undefined
        (["a"], {}, 10, None),
        (["a"], {"a": 0}, 10, None),
    ],
)
def test_ndcg_at_k(
    ranked: list[str], grades: dict[str, int], k: int, expected: float | None
) -> None:
    result = ndcg_at_k(ranked, grades, k)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


@pytest.mark.parametrize(
    ("predicted", "relevant", "p", "r"),
    [
        ({"a", "b"}, {"a", "b"}, 1.0, 1.0),
        ({"a", "b"}, {"a"}, 0.5, 1.0),
        ({"a"}, {"a", "b", "c", "d"}, 1.0, 0.25),
        ({"x"}, {"a"}, 0.0, 0.0),
        (set(), set(), 1.0, 1.0),
        (set(), {"a"}, 1.0, 0.0),
        ({"a"}, set(), 0.0, 1.0),
        (["a", "a", "b"], ["a"], 0.5, 1.0),  # duplicates are one prediction
    ],
)
def test_precision_and_recall(predicted: set[str], relevant: set[str], p: float, r: float) -> None:
    assert precision(predicted, relevant) == pytest.approx(p)
    assert recall(predicted, relevant) == pytest.approx(r)


PROFILE = {"country": "TW", "industry": "I56", "employees": 5, "currency": "TWD", "goals": []}


def _case(case_id: str, **judged: Any) -> EvalCase:
    return EvalCase(
        id=case_id,
        today=date(2026, 11, 15),
        profile=dict(PROFILE),
        tools=judged.get("tools", {}),
        subsidies=frozenset(judged.get("subsidies", ())),
        courses=judged.get("courses", {}),
        must_not=frozenset(judged.get("must_not", ())),
    )


def _output(tools: list[str], subsidies: list[str], courses: list[str]) -> dict[str, Any]:
    return {
        "tools": [{"slug": s, "score": 1.0} for s in tools],
        "subsidies": [{"slug": s} for s in subsidies],
        "courses": [{"slug": s} for s in courses],
    }


FIXED = {
    "perfect": _output(["a", "b"], ["s1"], ["c1"]),
    "mixed": _output(["bad", "x", "a"], ["s1", "s9"], []),
    "empty": _output([], [], []),
}


def _fake_recommend(profile: Mapping[str, Any], today: date) -> Mapping[str, Any]:
    """Returns a fixed output chosen by the profile's id; the metrics are under test."""
    assert today == date(2026, 11, 15)
    return FIXED[profile["id"]]


def _cases() -> list[EvalCase]:
    cases = [
        _case("perfect", tools={"a": 3, "b": 1}, subsidies=["s1"], courses={"c1": 2}),
        _case(
            "mixed",
            tools={"a": 3},
            subsidies=["s1", "s2"],
            courses={"c1": 1},
            must_not=["bad"],
        ),
        _case("empty", tools={}, subsidies=[], courses={}),
    ]
    for case in cases:
        case.profile["id"] = case.id  # type: ignore[index]
    return cases


def test_evaluate_scores_each_case_and_the_means() -> None:
    report = evaluate(_cases(), _fake_recommend)
    by_id = {c.id: c for c in report.cases}
    assert by_id["perfect"].tool_ndcg == pytest.approx(1.0)
    assert by_id["mixed"].tool_ndcg == pytest.approx(0.5)  # 7/log2(4) over 7
    assert by_id["empty"].tool_ndcg is None
    assert by_id["mixed"].course_ndcg == pytest.approx(0.0)
    assert by_id["mixed"].subsidy_precision == pytest.approx(0.5)
    assert by_id["mixed"].subsidy_recall == pytest.approx(0.5)
    assert by_id["mixed"].missing_subsidies == ["s2"]
    assert by_id["mixed"].extra_subsidies == ["s9"]
    assert [(v.slug, v.rank) for v in by_id["mixed"].violations] == [("bad", 1)]
    s = report.summary
    assert s["tool_ndcg"] == pytest.approx(0.75)  # the empty case is left out
    assert s["course_ndcg"] == pytest.approx(0.5)
    # micro pools 2 hits over 3 predicted and over 3 expected; macro averages 1, 0.5, 1
    assert s["subsidy_precision_micro"] == pytest.approx(2 / 3)
    assert s["subsidy_recall_micro"] == pytest.approx(2 / 3)
    assert s["subsidy_precision_macro"] == pytest.approx(2.5 / 3)
    assert s["subsidy_recall_macro"] == pytest.approx(2.5 / 3)
    assert s["subsidy_exact_cases"] == 2
    assert s["violations"] == 1


def test_report_as_dict_is_json_and_text_names_every_mismatch() -> None:
    report = evaluate(_cases(), _fake_recommend)
    data = json.loads(json.dumps(report.as_dict()))
    assert data["summary"]["cases"] == 3
    assert [c["id"] for c in data["cases"]] == ["perfect", "mixed", "empty"]
    assert data["cases"][1]["violations"] == [{"slug": "bad", "rank": 1}]
    text = report.format_text()
    assert "mixed: subsidies missing [s2], not eligible [s9]" in text
    assert "mixed: must-not tools in the top 10: bad (#1)" in text
    assert "perfect: subsidies" not in text
    mean_row = next(line for line in text.splitlines() if line.startswith("mean"))
    assert mean_row.split() == ["mean", "0.750", "0.833", "0.833", "0.500", "1"]


def test_a_must_not_tool_below_the_top_ten_is_no_violation() -> None:
    case = _case("deep", tools={"a": 3}, subsidies=[], must_not=["bad"])
    tools = [f"t{i}" for i in range(10)] + ["bad"]
    report = evaluate([case], lambda p, t: _output(tools, [], []))
    assert report.cases[0].violations == ()


def test_the_recommender_gets_a_copy_of_the_profile() -> None:
    case = _case("edit", tools={"a": 1}, subsidies=[])

    def meddling(profile: Mapping[str, Any], today: date) -> Mapping[str, Any]:
        profile["goals"].append("sales.pos")  # type: ignore[attr-defined]
        return _output([], [], [])

    evaluate([case, case], meddling)
    assert case.profile["goals"] == []


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ({"tools": "a", "subsidies": [], "courses": []}, "case x: recommend output: tools"),
        ({"tools": [{"score": 1}], "subsidies": [], "courses": []}, "tools[1]: no slug"),
        ({"tools": [], "subsidies": ["s1"], "courses": []}, "subsidies[1]: no slug"),
        (["not", "a", "mapping"], "recommend output: tools"),
    ],
)
def test_malformed_recommend_output_names_the_case_and_key(output: Any, message: str) -> None:
    with pytest.raises(RecommendOutputError, match=message.replace("[", r"\[")):
        evaluate([_case("x")], lambda p, t: output)


def test_a_failing_recommender_says_which_case() -> None:
    def broken(profile: Mapping[str, Any], today: date) -> Mapping[str, Any]:
        raise KeyError("industry")

    with pytest.raises(KeyError) as caught:
        evaluate([_case("boom")], broken)
    assert "while recommending for case boom" in caught.value.__notes__


# -- loading -------------------------------------------------------------------

GOOD_CASE = """
- id: one
  today: 2026-11-15
  profile: {country: TW, region: TW-TPE, industry: I56, employees: 12, currency: TWD,
            goals: [sales.pos], languages: [zh-TW], deployment: cloud}
  tools: {meihua-pay-terminal: 3, jadeledger-einvoice: 0}
  subsidies: [tw-cloud-market]
  courses: {ledgerwise-cloud-bookkeeping-basics: 1}
  must_not: [yatai-pos]
"""


def _write(tmp_path: Path, text: str, name: str = "judgments.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_cases_reads_a_list(tmp_path: Path) -> None:
    (case,) = load_cases(_write(tmp_path, GOOD_CASE), CODES)
    assert case.id == "one"
    assert case.today == date(2026, 11, 15)
    assert case.profile["region"] == "TW-TPE"
    assert case.tools == {"meihua-pay-terminal": 3, "jadeledger-einvoice": 0}
    assert case.subsidies == {"tw-cloud-market"}
    assert case.courses == {"ledgerwise-cloud-bookkeeping-basics": 1}
    assert case.must_not == {"yatai-pos"}


def test_load_cases_reads_json_with_a_cases_key(tmp_path: Path) -> None:
    data = {
        "cases": [
            {"id": "j", "today": "2027-01-05", "profile": PROFILE, "subsidies": []},
        ]
    }
    (case,) = load_cases(_write(tmp_path, json.dumps(data), "judgments.json"), CODES)
    assert case.today == date(2027, 1, 5)
    assert case.tools == {}
    assert case.must_not == frozenset()


def _broken(old: str, new: str) -> str:
    assert old in GOOD_CASE
    return GOOD_CASE.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (_broken("today: 2026-11-15", "today: 2026-13-01"), "one: today: required, an ISO date"),
        (_broken("  today: 2026-11-15\n", ""), "one: today: required"),
        (_broken("- id: one", "- id: ''"), "case 1: id: required"),
        (_broken("meihua-pay-terminal: 3", "meihua-pay-terminal: 4"), "tools.meihua-pay-terminal"),
        (_broken("meihua-pay-terminal: 3", "meihua-pay-terminal: true"), "grade must be"),
        (_broken("meihua-pay-terminal: 3", "Meihua POS: 3"), "one: tools.Meihua POS: not a slug"),
        (_broken("subsidies: [tw-cloud-market]", "subsidies: tw-cloud-market"), "one: subsidies"),
        (_broken("  subsidies: [tw-cloud-market]\n", ""), "one: subsidies: required"),
        (_broken("[tw-cloud-market]", "[tw-sbir, tw-sbir]"), "one: subsidies: lists a slug twice"),
        (_broken("must_not: [yatai-pos]", "must_not: [meihua-pay-terminal]"), "also graded"),
        (_broken("must_not:", "mustnot:"), "one: mustnot: unknown field"),
        (_broken("employees: 12", "employees: -1"), "one: profile.employees: -1 is less than 0"),
        (_broken("employees: 12, ", ""), "one: profile.employees: is required"),
        (_broken("country: TW", "country: Taiwan"), "one: profile.country"),
        (_broken("region: TW-TPE", "region: JP-13"), "one: profile.region: JP-13 is not in TW"),
        (_broken("industry: I56", "industry: restaurant"), "one: profile.industry"),
        (_broken("currency: TWD", "currency: NTD"), "one: profile.currency"),
        (_broken("goals: [sales.pos]", "goals: [pos]"), "one: profile.goals[1]: unknown function"),
        (_broken("languages: [zh-TW]", "languages: [klingon-x]"), "one: profile.languages[1]"),
        (_broken("deployment: cloud", "deployment: saas"), "one: profile.deployment"),
        (
            _broken("deployment: cloud", "employee: 3"),
            "one: profile.employee: unknown field; did you mean employees?",
        ),
        ("- just text\n", "case 1: case: expected a mapping"),
        ("cases: []\n", "expected a non-empty list of cases"),
        ("- id: [unclosed\n", "invalid YAML at line"),
        (GOOD_CASE + GOOD_CASE, "one: id: duplicate id"),
    ],
)
def test_load_cases_names_case_and_field(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(JudgmentsError) as caught:
        load_cases(_write(tmp_path, text), CODES)
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_load_cases_reports_every_problem_at_once(tmp_path: Path) -> None:
    text = _broken("employees: 12", "employees: -1").replace("currency: TWD", "currency: X")
    with pytest.raises(JudgmentsError) as caught:
        load_cases(_write(tmp_path, text + GOOD_CASE.replace("id: one", "id: two")), CODES)
    assert sorted(caught.value.problems) == [
        "one: profile.currency: 'X' is not an ISO 4217 currency code (e.g. TWD, JPY, USD)",
        "one: profile.employees: -1 is less than 0",
    ]


def test_load_cases_on_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(JudgmentsError, match=r"nope\.yaml"):
        load_cases(tmp_path / "nope.yaml", CODES)
