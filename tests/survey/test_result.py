"""The recommendation page: radar average, reasons in the viewer's language, feedback, empty lists."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from dx_match.extensions import db
from dx_match.recommend.models import Feedback
from dx_match.survey.models import ProfileVersion, SmeProfile
from tests.recommend.conftest import CAFE_TAIPEI, TOKYO_BUILDER
from tests.survey.conftest import answers, fill_survey


def _peer(data: dict[str, Any], maturity: dict[str, int], versions: int = 1) -> SmeProfile:
    """A saved profile of someone else (a visitor's, so nobody's account is needed)."""
    profile = SmeProfile(industry_section=data["industry"][0], visitor_key=f"k{id(maturity)}")
    for number in range(1, versions + 1):
        # Older versions say 0 everywhere: only the current one may count in the average.
        levels = maturity if number == versions else dict.fromkeys(maturity, 0)
        profile.versions.append(ProfileVersion(number=number, data={**data, "maturity": levels}))
    profile.current_version = versions
    db.session.add(profile)
    db.session.flush()
    return profile


def _result(client, changes: dict[int, dict[str, Any]] | None = None, lang: str = "en") -> str:
    # The language from the first request on: Flask-Babel keeps the locale of the test's app
    # context once a message has been translated in it.
    client.set_cookie("dx_lang", lang)
    response = fill_survey(client, answers(changes))
    assert response.status_code == 302
    page = client.get(response.location)
    assert page.status_code == 200
    return page.get_data(as_text=True)


LEVELS = {"sales": 4, "finance": 4, "supply": 2, "hr": 2, "ops": 3}


@pytest.mark.parametrize(("peers", "shown"), [(4, False), (5, True)])
def test_industry_average_appears_from_five_profiles_of_the_same_section(client, peers, shown):
    for _ in range(peers):
        _peer(CAFE_TAIPEI, dict(LEVELS), versions=2)
    # Other sections never count (TOKYO_BUILDER is construction, section F).
    for _ in range(3):
        _peer(TOKYO_BUILDER, {"sales": 0, "finance": 0, "supply": 0, "hr": 0, "ops": 0})
    db.session.commit()
    html = _result(client)
    assert ('class="radar-average"' in html) is shown
    if shown:
        assert "Average of 5 companies in the same industry" in html
        table = re.search(r'<table class="radar-table">.*?</table>', html, re.S).group(0)
        # The café says sales 1; the peers' current versions say 4 (their old 0s do not count).
        assert re.search(r"Sales and customers</th><td>1</td><td>4.0</td>", table)


@pytest.mark.parametrize(
    ("lang", "heading", "level"),
    [
        ("ja", "おすすめのツール", "財務・会計"),
        ("zh-TW", "推薦工具", "財務會計"),
        ("en", "Recommended tools", "Finance and accounting"),
    ],
)
def test_page_and_reasons_follow_the_viewers_language(client, lang, heading, level):
    html = _result(client, lang=lang)
    assert f'<h2 id="tools">{heading}</h2>' in html
    assert level in html  # the radar's axis and table labels
    reason = re.search(r'<ul class="reasons"><li>(.*?)</li>', html).group(1)
    english = "covers your first goal"
    assert (english in reason) is (lang == "en")


def test_per_condition_view_offers_to_fill_in_what_is_unknown(client):
    # Without capital and revenue, the SME definition of some programmes cannot be judged.
    html = _result(client, {4: {"capital": "", "annual_revenue": ""}, 1: {"employees": "300"}})
    assert "condition-unknown" in html
    assert re.search(r'name="step" value="4">\s*<button type="submit" class="link">Fill in', html)


def test_a_profile_nothing_fits_shows_empty_lists_with_a_reason(client):
    html = _result(client, {1: {"country": "US", "region": "", "industry": "B"},
                            5: {"languages": ["ja"], "deployment": "on_premise"},
                            4: {"currency": "USD", "budget_monthly": "0"}})  # fmt: skip
    assert "No tool fits these answers yet." in html
    assert "no tool fits" in html


def test_feedback_is_recorded_for_signed_in_owners(client, auth, make_user):
    user = make_user("sme")
    auth.login(user)
    response = fill_survey(client, answers())
    page = client.get(response.location).get_data(as_text=True)
    slug = re.search(r'name="item_slug" value="([^"]+)"', page).group(1)
    posted = client.post(
        response.location + "/feedback",
        data={"item_kind": "tool", "item_slug": slug, "signal": "dismiss"},
    )
    assert posted.status_code == 303
    row = db.session.scalar(sa.select(Feedback).order_by(Feedback.id.desc()).limit(1))
    assert (row.actor_kind, row.actor_id, row.item_slug, row.signal) == (
        "sme",
        str(user.id),
        slug,
        "dismiss",
    )
    assert row.profile["industry"] == "I56"
    refused = client.post(
        response.location + "/feedback",
        data={"item_kind": "tool", "item_slug": slug, "signal": "love"},
    )
    assert refused.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 1


def test_visitors_see_no_feedback_buttons_and_cannot_post_them(client):
    response = fill_survey(client, answers())
    page = client.get(response.location).get_data(as_text=True)
    assert 'name="signal"' not in page
    posted = client.post(response.location + "/feedback", data={"signal": "accept"})
    assert posted.status_code == 302 and "/account/login" in posted.location
