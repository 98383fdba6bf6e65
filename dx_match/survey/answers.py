"""Pure: survey answers (form field -> typed strings) to and from the spec's profile shape.

Answers are kept exactly as typed, each field a list of strings (a checkbox group has
several), so a page that fails validation shows what the person typed, and a saved profile
can be opened again in the questionnaire.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from dx_match.taxonomy.codes import FUNCTION_GROUPS

Answers = dict[str, list[str]]
GOAL_RANKS = 5
#: The survey step that asks for each profile field.
FIELD_STEP = {
    "country": 1, "region": 1, "industry": 1, "employees": 1, "it_staff": 1, "revenue_trend": 1,
    "goals": 2, "challenges": 2, "maturity": 3,
    "currency": 4, "budget_monthly": 4, "users": 4, "capital": 4, "annual_revenue": 4,
    "current_tools": 4, "deployment": 5, "languages": 5, "notes": 5,
}  # fmt: skip
LIST_FIELDS = ("challenges", "languages")
TEXT_FIELDS = ("country", "region", "industry", "revenue_trend", "currency", "deployment", "notes")
INT_FIELDS = ("employees", "it_staff", "users")
MONEY_FIELDS = ("budget_monthly", "capital", "annual_revenue")
_ITEM = re.compile(r"^(?P<name>[a-z_]+)(\[(?P<index>\d+)\]|\.(?P<key>[a-z_]+))?$")
_TAG_SEPARATORS = re.compile(r"[,，、;\n]+")


def split_tags(text: str | None) -> list[str]:
    """Free tags typed as one line: split on commas (also Chinese and Japanese ones)."""
    return [t.strip() for t in _TAG_SEPARATORS.split(text or "") if t.strip()]


def first(answers: Mapping[str, list[str]], name: str) -> str:
    """The one value of a single-valued field, stripped ('' when absent)."""
    values = answers.get(name) or [""]
    return values[0].strip()


def _number(text: str) -> int | Decimal:
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else value


def profile_from_answers(answers: Mapping[str, list[str]]) -> dict[str, Any]:
    """The spec profile mapping the answers describe (empty answers left out).

    Numbers that do not parse are passed on as text, so the profile rules name the field.
    """
    raw: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if value := first(answers, name):
            raw[name] = value
    for name in (*INT_FIELDS, *MONEY_FIELDS):
        if text := first(answers, name):
            try:
                raw[name] = _number(text)
            except ArithmeticError:
                raw[name] = text
    raw["goals"] = [g for rank in range(1, GOAL_RANKS + 1) if (g := first(answers, f"goal_{rank}"))]
    for name in LIST_FIELDS:
        if values := [v for v in answers.get(name, []) if v]:
            raw[name] = values
    if tags := split_tags(first(answers, "current_tools")):
        raw["current_tools"] = tags
    maturity = {}
    for group in FUNCTION_GROUPS:
        text = first(answers, f"maturity_{group}")
        maturity[group] = int(text) if text.isdigit() else text
    if any(v != "" for v in maturity.values()):
        raw["maturity"] = {k: v for k, v in maturity.items() if v != ""}
    return raw


def answers_from_profile(data: Mapping[str, Any]) -> Answers:
    """The answers that reproduce a saved profile in the questionnaire."""
    answers: Answers = {}
    for name in (*TEXT_FIELDS, *INT_FIELDS, *MONEY_FIELDS):
        if data.get(name) is not None:
            answers[name] = [str(data[name])]
    for rank, goal in enumerate(data.get("goals", []), start=1):
        answers[f"goal_{rank}"] = [goal]
    for name in LIST_FIELDS:
        if data.get(name):
            answers[name] = list(data[name])
    if data.get("current_tools"):
        answers["current_tools"] = [", ".join(data["current_tools"])]
    for group, level in (data.get("maturity") or {}).items():
        answers[f"maturity_{group}"] = [str(level)]
    return answers


def problem_field(problem: str, answers: Mapping[str, list[str]]) -> tuple[int, str]:
    """The step and form field a profile problem (`goals[2]`, `maturity.hr`, ...) belongs to."""
    match = _ITEM.match(problem)
    name = match.group("name") if match else problem
    if name == "goals":
        chosen = [r for r in range(1, GOAL_RANKS + 1) if first(answers, f"goal_{r}")]
        index = int(match.group("index")) if match and match.group("index") else 1
        rank = chosen[index - 1] if 0 < index <= len(chosen) else 1
        return 2, f"goal_{rank}"
    if name == "maturity" and match and match.group("key") in FUNCTION_GROUPS:
        return 3, f"maturity_{match.group('key')}"
    return FIELD_STEP.get(name, 1), name if name in FIELD_STEP else "country"


def differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """The fields that changed between two profile versions: (field, before, after)."""
    names = [*old, *(n for n in new if n not in old)]
    return [(n, old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n)]
