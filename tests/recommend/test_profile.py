"""Profile validation: every problem named by field; to_dict gives the spec shape back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dx_match.recommend.profile import ProfileCodes, ProfileInvalid, parse_profile

CODES = ProfileCodes(
    industries=frozenset({"I", "I56", "C", "C25", "F43"}),
    functions=frozenset({"sales.pos", "finance.invoicing", "hr.attendance"}),
    challenges=frozenset({"challenge.cost", "challenge.staff_skills"}),
    currencies=frozenset({"USD", "TWD", "JPY"}),
)
VALID: dict[str, Any] = {
    "id": "cafe-taipei",
    "country": "TW",
    "region": "TW-TPE",
    "industry": "I56",
    "employees": 12,
    "users": 6,
    "capital": 5000000,
    "currency": "TWD",
    "goals": ["sales.pos", "finance.invoicing"],
    "challenges": ["challenge.cost"],
    "maturity": {"sales": 1, "finance": 2},
    "budget_monthly": 3000,
    "current_tools": ["line-pay"],
    "deployment": "cloud",
    "languages": ["zh-TW"],
    "notes": "想要減少點餐錯誤",
}


def test_valid_profile_round_trips() -> None:
    profile = parse_profile(VALID, CODES)
    assert profile.capital == Decimal(5000000)
    assert profile.seats == 6
    assert profile.location == "TW-TPE"
    assert profile.to_dict() == VALID


def test_users_default_to_employees() -> None:
    raw = {k: v for k, v in VALID.items() if k != "users"}
    assert parse_profile(raw, CODES).seats == 12


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"country": None}, "country", "is required"),
        ({"goals": None}, "goals", "is required"),
        ({"employees": -3}, "employees", "less than 0"),
        ({"employees": "many"}, "employees", "not a whole number"),
        ({"capital": -1}, "capital", "negative"),
        ({"budget_monthly": "cheap"}, "budget_monthly", "not a number"),
        ({"currency": "EUR"}, "currency", "no conversion rate"),
        ({"currency": "XYZ1"}, "currency", "ISO 4217"),
        ({"industry": "I57"}, "industry", "unknown industry code 'I57'; did you mean I56?"),
        ({"goals": ["sales.pos", "sales.posx"]}, "goals[2]", "did you mean sales.pos?"),
        ({"goals": ["sales.pos", "sales.pos"]}, "goals[2]", "listed twice"),
        ({"challenges": ["challenge.money"]}, "challenges[1]", "unknown challenge"),
        ({"region": "JP-13"}, "region", "not in TW"),
        ({"region": "XX-99"}, "region", "ISO 3166"),
        ({"country": "Taiwan"}, "country", "ISO 3166-1"),
        ({"languages": ["klingonese"]}, "languages[1]", "language tag"),
        ({"maturity": {"sales": 7}}, "maturity.sales", "0 to 4"),
        ({"maturity": {"magic": 1}}, "maturity.magic", "function group"),
        ({"deployment": "cloudy"}, "deployment", "not one of"),
        ({"employes": 3}, "employes", "did you mean employees?"),
    ],
)
def test_bad_fields_are_named(change: dict[str, Any], field: str, fragment: str) -> None:
    raw = {**VALID, **change}
    raw = {k: v for k, v in raw.items() if v is not None}
    with pytest.raises(ProfileInvalid) as caught:
        parse_profile(raw, CODES)
    assert any(f == field and fragment in m for f, m in caught.value.problems), (
        caught.value.problems
    )


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ProfileInvalid) as caught:
        parse_profile({"country": "TW", "employees": -1, "currency": "EUR"}, CODES)
    fields = {f for f, _m in caught.value.problems}
    assert fields == {"industry", "employees", "currency", "goals"}


def test_not_a_mapping() -> None:
    with pytest.raises(ProfileInvalid):
        parse_profile(["TW"], CODES)


def test_empty_goals_are_allowed() -> None:
    assert parse_profile({**VALID, "goals": []}, CODES).goals == ()
