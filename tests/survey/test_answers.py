"""Pure rules: answers <-> profile, where a profile problem is shown, version differences, radar."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dx_match.survey import radar
from dx_match.survey.answers import (
    answers_from_profile,
    differences,
    problem_field,
    profile_from_answers,
    split_tags,
)
from tests.recommend.conftest import CAFE_TAIPEI


def test_a_profile_survives_the_round_trip_through_answers() -> None:
    profile = {**CAFE_TAIPEI, "maturity": {"sales": 1, "finance": 2, "hr": 0}, "it_staff": 0}
    profile.pop("id")
    assert profile_from_answers(answers_from_profile(profile)) == profile


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"employees": ["12"]}, {"employees": 12}),
        ({"budget_monthly": ["99.5"]}, {"budget_monthly": Decimal("99.5")}),
        ({"employees": ["twelve"]}, {"employees": "twelve"}),  # left for the rules to name
        ({"goal_1": [""], "goal_2": ["sales.pos"]}, {"goals": ["sales.pos"]}),
        ({"maturity_hr": ["3"], "maturity_ops": [""]}, {"maturity": {"hr": 3}}),
        ({"current_tools": ["LINE Pay，Excel、 freee"]}, {"current_tools": ["LINE Pay", "Excel", "freee"]}),
        ({"notes": ["  "]}, {}),
    ],
)  # fmt: skip
def test_answers_become_profile_fields(answers, expected) -> None:
    assert profile_from_answers(answers) == {"goals": [], **expected}


@pytest.mark.parametrize(
    ("problem", "answers", "target"),
    [
        ("employees", {}, (1, "employees")),
        ("region", {}, (1, "region")),
        ("currency", {}, (4, "currency")),
        ("goals[2]", {"goal_1": ["a"], "goal_3": ["b"]}, (2, "goal_3")),
        ("goals", {}, (2, "goal_1")),
        ("maturity.hr", {}, (3, "maturity_hr")),
        ("current_tools[3]", {}, (4, "current_tools")),
        ("languages[1]", {}, (5, "languages")),
        ("-", {}, (1, "country")),
    ],
)
def test_each_profile_problem_lands_on_a_field(problem, answers, target) -> None:
    assert problem_field(problem, answers) == target


def test_differences_list_changed_added_and_removed_fields() -> None:
    old = {"employees": 12, "budget_monthly": 3000, "notes": "x"}
    new = {"employees": 12, "budget_monthly": 5000, "deployment": "cloud"}
    assert differences(old, new) == [
        ("budget_monthly", 3000, 5000),
        ("notes", "x", None),
        ("deployment", None, "cloud"),
    ]


def test_split_tags_ignores_empty_pieces() -> None:
    assert split_tags(" a, ,b;\nc ") == ["a", "b", "c"]


GROUPS = ("sales", "finance", "supply", "hr", "ops")


def test_radar_levels_scale_from_the_centre_to_the_outer_ring() -> None:
    centre = f"{radar.CENTRE:g},{radar.CENTRE:g}"
    assert radar.polygon(GROUPS, {}) == " ".join([centre] * 5)
    assert radar.polygon(GROUPS, dict.fromkeys(GROUPS, 4)) == radar.rings(GROUPS)[-1]
    top = radar.polygon(GROUPS, {"sales": 2}).split()[0]
    assert top == f"{radar.CENTRE:g},{radar.CENTRE - radar.RADIUS / 2:g}"
    assert radar.polygon(GROUPS, {"sales": 9}) == radar.polygon(GROUPS, {"sales": 4})


def test_radar_average_counts_only_profiles_that_answered() -> None:
    assert radar.average([{"sales": 1, "hr": 2}, {"sales": 4}, {}], GROUPS) == {
        "sales": 2.5,
        "hr": 2.0,
    }


def test_radar_labels_sit_outside_their_axis() -> None:
    axes = radar.axes(GROUPS)
    assert [a.anchor for a in axes] == ["middle", "start", "start", "end", "end"]
    assert axes[0].label_y < axes[0].y
