"""`dx-match recommend evaluate` over the shipped judgments: the recommender's offline scores."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskCliRunner

JUDGMENTS = Path(__file__).resolve().parents[2] / "catalog" / "eval" / "judgments.yaml"


def test_the_shipped_set_scores_exact_subsidies_and_no_forbidden_tool(
    runner: FlaskCliRunner,
) -> None:
    result = runner.invoke(args=["recommend", "evaluate", str(JUDGMENTS), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["summary"]["cases"] >= 25
    # Eligibility is rules, not guesses: every case's set exactly as an advisor derived it.
    for case in report["cases"]:
        assert not case["missing_subsidies"] and not case["extra_subsidies"], case["id"]
        assert case["violations"] == [], case["id"]  # nothing unreadable/wrong region/industry
    # Ranking quality: a floor well above the "hard filters + goal overlap" reference (0.84).
    assert report["summary"]["tool_ndcg"] >= 0.85


def test_text_report_and_bad_judgments(runner: FlaskCliRunner, tmp_path: Path) -> None:
    text = runner.invoke(args=["recommend", "evaluate", str(JUDGMENTS)])
    assert text.exit_code == 0 and "mean" in text.stdout
    bad = tmp_path / "j.yaml"
    bad.write_text(
        "- id: one\n  today: 2026-11-15\n  subsidies: []\n"
        "  profile: {country: TW, industry: I56, employees: -3, currency: TWD, goals: [pos]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["recommend", "evaluate", str(bad)])
    assert result.exit_code == 1
    assert "one: profile.employees: -3 is less than 0" in result.stdout
    assert "one: profile.goals[1]: unknown function code 'pos'" in result.stdout
