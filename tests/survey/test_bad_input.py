"""Bad answers get a message on the field they concern, and nothing typed is lost."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from dx_match.extensions import db
from dx_match.survey.models import SmeProfile
from tests.survey.conftest import answers, fill_survey


def _field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<ul class="field-errors" id="{field_id}-error">(.*?)</ul>', html, re.S)
    assert match, f"no error shown on {field_id}"
    return match.group(1)


def kept(html: str, name: str, value: str) -> bool:
    """Whether the page shows `value` as the answer of field `name` (input, select, textarea)."""
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    if select:
        return f'selected value="{value}"' in select.group(0)
    if re.search(rf'<textarea[^>]*name="{name}"[^>]*>\s*{re.escape(value)}</textarea>', html):
        return True
    for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', html):
        choice = 'type="radio"' in tag or 'type="checkbox"' in tag
        if f'value="{value}"' in tag and (not choice or "checked" in tag):
            return True
    return False


@pytest.mark.parametrize(
    ("step", "changes", "field_id"),
    [
        (1, {"employees": "-3"}, "employees"),
        (1, {"employees": "twelve"}, "employees"),
        (1, {"employees": ""}, "employees"),
        (1, {"industry": "Z99"}, "industry"),  # not an ISIC code we know
        (1, {"country": ""}, "country"),
        (1, {"it_staff": "-1"}, "it_staff"),
        (2, {"goal_1": "sales.teleportation"}, "goal_1"),
        (2, {"goal_2": "sales.pos"}, "goal_2"),  # chosen twice
        (2, {"challenges": ["challenge.unknown"]}, "challenges"),
        (3, {"maturity_hr": "7"}, "maturity_hr"),
        (3, {"maturity_hr": ""}, "maturity_hr"),
        (4, {"currency": "XYZ"}, "currency"),
        (4, {"budget_monthly": "-100"}, "budget_monthly"),
        (4, {"capital": "-1"}, "capital"),
        (4, {"users": "0"}, "users"),
        (5, {"deployment": "mainframe"}, "deployment"),
        (5, {"languages": ["tlh"]}, "languages"),
    ],
)
def test_a_bad_answer_is_refused_on_its_field_and_the_rest_is_kept(client, step, changes, field_id):
    steps = answers({step: changes})
    response = fill_survey(client, steps)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'action="/survey/step/{step}"' in html
    assert _field_error(html, field_id)
    # What was typed on the failing step is shown again.
    for name, value in steps[step].items():
        if name in changes or not isinstance(value, str) or not value:
            continue
        assert kept(html, name, value), name
    # The refused text itself too, so it can be corrected rather than retyped.
    for name, value in changes.items():
        if isinstance(value, str) and re.search(
            rf'<input[^>]*name="{name}"[^>]*type="(text|number)"', html
        ):
            assert kept(html, name, value), name
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SmeProfile)) == 0


def test_region_outside_the_country_is_named_by_the_profile_rules(client):
    # Each step's form accepts TW-TPE and JP; only the profile rules see they do not agree.
    response = fill_survey(client, answers({1: {"country": "JP", "region": "TW-TPE"}}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'action="/survey/step/1"' in html
    assert "TW-TPE is not in JP" in _field_error(html, "region")
    assert 'value="JP"' in html


def test_a_step_skipped_by_url_is_checked_at_the_end(client):
    client.post("/survey/start")
    steps = answers()
    for number in (1, 2, 4, 5):  # never posts step 3
        response = client.post(f"/survey/step/{number}", data={**steps[number], "next": "1"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'action="/survey/step/3"' in html
    assert _field_error(html, "maturity_sales")


def test_a_step_that_does_not_exist_is_not_found(client):
    assert client.get("/survey/step/9").status_code == 404
    assert client.get("/survey/step/0").status_code == 404
