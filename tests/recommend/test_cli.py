"""`dx-match recommend` end to end: the spec's JSON, field-named problems, empty results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask.testing import FlaskCliRunner

from tests.recommend.conftest import CAFE_TAIPEI


def _run(
    runner: FlaskCliRunner, tmp_path: Path, profile: Any, *args: str, name: str = "p.json"
) -> Any:
    path = tmp_path / name
    path.write_text(profile if isinstance(profile, str) else json.dumps(profile), encoding="utf-8")
    return runner.invoke(args=["recommend", "--profile", str(path), *args])


def test_json_has_exactly_the_spec_shape(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = _run(runner, tmp_path, CAFE_TAIPEI, "--today", "2026-11-26", "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"tools", "subsidies", "courses"}
    assert out["tools"] and out["subsidies"] and out["courses"]
    for tool in out["tools"]:
        assert set(tool) == {
            "slug",
            "score",
            "monthly_cost",
            "net_monthly_cost",
            "subsidies",
            "reasons",
        }
        assert isinstance(tool["score"], float) and 0 <= tool["score"] <= 1
        assert all(isinstance(r, str) for r in tool["reasons"])
    for subsidy in out["subsidies"]:
        assert set(subsidy) == {"slug", "estimated_amount", "reasons"}
        assert isinstance(subsidy["estimated_amount"], int)
    for course in out["courses"]:
        assert set(course) == {"slug", "score", "reasons"}


def test_today_makes_results_reproducible(runner: FlaskCliRunner, tmp_path: Path) -> None:
    open_day = _run(runner, tmp_path, CAFE_TAIPEI, "--today", "2026-11-26", "--format", "json")
    later = _run(runner, tmp_path, CAFE_TAIPEI, "--today", "2027-01-05", "--format", "json")
    again = _run(runner, tmp_path, CAFE_TAIPEI, "--today", "2027-01-05", "--format", "json")
    assert later.stdout == again.stdout
    assert "tw-cloud-market" in open_day.stdout
    assert {s["slug"] for s in json.loads(later.stdout)["subsidies"]} == {
        "tw-sbir",
        "tw-talent-invest",
    }


def test_yaml_profile_and_text_output(runner: FlaskCliRunner, tmp_path: Path) -> None:
    text = "country: JP\nregion: JP-13\nindustry: F43\nemployees: 35\ncurrency: JPY\ngoals: [hr.attendance]\n"
    result = _run(runner, tmp_path, text, "--today", "2026-11-26", "--lang", "en", name="p.yaml")
    assert result.exit_code == 0, result.output
    assert "Tools:" in result.output and "matsukaze-ninku" in result.output


def test_bad_profile_exits_1_with_one_line_per_field(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    bad = {**CAFE_TAIPEI, "employees": -1, "currency": "EUR", "goals": ["sales.posx"]}
    del bad["industry"]
    result = _run(runner, tmp_path, bad, "--format", "json")
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "industry",
        "employees",
        "currency",
        "goals[1]",
    ]
    assert "goals[1]: unknown function code 'sales.posx'; did you mean sales.pos?" in lines


def test_unreadable_profile(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = _run(runner, tmp_path, "{not json", "--format", "json")
    assert result.exit_code == 1
    assert result.stdout.startswith("profile: cannot read")


def test_profile_is_required(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["recommend", "--format", "json"])
    assert result.exit_code == 2
    assert "profile: --profile FILE is required" in result.output


def test_nothing_fits_prints_empty_lists(runner: FlaskCliRunner, tmp_path: Path) -> None:
    profile = {**CAFE_TAIPEI, "languages": ["ko"], "region": None}
    profile = {k: v for k, v in profile.items() if v is not None}
    result = _run(runner, tmp_path, profile, "--today", "2027-06-01", "--format", "json")
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["tools"] == []
    assert "no tool fits" in result.stderr
