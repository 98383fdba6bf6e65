"""Survey helpers: answers for each step, and filling the questionnaire through the client."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

#: A café in Taipei, step by step (form field -> value), as a person would type it.
CAFE: dict[int, dict[str, Any]] = {
    1: {"country": "TW", "region": "TW-TPE", "industry": "I56", "employees": "12", "it_staff": "0",
        "revenue_trend": "down"},
    2: {"goal_1": "sales.pos", "goal_2": "finance.invoicing",
        "challenges": ["challenge.cost", "challenge.staff_skills"]},
    3: {"maturity_sales": "1", "maturity_finance": "2", "maturity_supply": "0", "maturity_hr": "1",
        "maturity_ops": "1"},
    4: {"currency": "TWD", "budget_monthly": "3000", "users": "6", "capital": "5000000",
        "annual_revenue": "18000000", "current_tools": "line-pay, excel"},
    5: {"deployment": "cloud", "languages": ["zh-TW"], "notes": "想要減少點餐錯誤"},
}  # fmt: skip


def answers(changes: dict[int, dict[str, Any]] | None = None) -> dict[int, dict[str, Any]]:
    """The café's answers with some steps' fields changed."""
    out = {number: dict(fields) for number, fields in CAFE.items()}
    for number, fields in (changes or {}).items():
        out[number].update(fields)
    return out


def fill_survey(client: FlaskClient, steps: dict[int, dict[str, Any]], start: bool = True) -> Any:
    """Start a survey and post every step with Next; return the last response."""
    if start:
        assert client.post("/survey/start").status_code == 302
    response = None
    for number in sorted(steps):
        response = client.post(f"/survey/step/{number}", data={**steps[number], "next": "1"})
        if response.status_code != 302:
            return response
    return response


@pytest.fixture
def survey():  # type: ignore[no-untyped-def]
    """fill_survey(client, steps) as a fixture."""
    return fill_survey
