"""The questionnaire end to end through the test client: visitor, SME, edits, ownership."""

from __future__ import annotations

import re

import sqlalchemy as sa

from dx_match.extensions import db
from dx_match.survey.models import SmeProfile
from tests.conftest import PASSWORD
from tests.survey.conftest import answers, fill_survey


def _profile_id(location: str) -> int:
    match = re.search(r"/profiles/(\d+)$", location)
    assert match, location
    return int(match.group(1))


def test_visitor_sees_recommendations_then_registers_and_the_profile_is_kept(client, outbox):
    response = fill_survey(client, answers())
    assert response.status_code == 302
    profile_id = _profile_id(response.location)
    page = client.get(response.location)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Recommended tools" in html
    assert 'class="radar-profile"' in html
    visitor = db.session.get(SmeProfile, profile_id)
    assert visitor.visitor_key and visitor.organisation_id is None

    registered = client.post(
        "/account/register",
        data={"role": "sme", "display_name": "Mei", "organisation_name": "Café Mei",
              "email": "mei@example.com", "password": PASSWORD},
    )  # fmt: skip
    assert registered.status_code == 200
    link = re.search(r"/account/confirm/[^\s\"<]+", outbox("mei@example.com")[-1].text_body)
    assert link
    assert client.post(link.group(0)).status_code == 302
    login = client.post("/account/login", data={"email": "mei@example.com", "password": PASSWORD})
    assert login.status_code == 302

    db.session.expire_all()
    profile = db.session.get(SmeProfile, profile_id)
    assert profile.visitor_key is None
    assert profile.organisation_id is not None
    assert [v.number for v in profile.versions] == [1]
    assert profile.current.data["industry"] == "I56"
    assert profile.current.data["goals"] == ["sales.pos", "finance.invoicing"]

    # Editing opens the saved answers; finishing makes version 2 with the difference listed.
    assert client.post(f"/profiles/{profile_id}/edit").status_code == 302
    page = client.get("/survey/step/4").get_data(as_text=True)
    assert 'value="3000"' in page
    changed = answers({4: {"budget_monthly": "5000"}})
    response = fill_survey(client, changed, start=False)
    assert response.status_code == 302 and _profile_id(response.location) == profile_id
    db.session.expire_all()
    profile = db.session.get(SmeProfile, profile_id)
    assert [v.number for v in profile.versions] == [1, 2]
    assert profile.current.data["budget_monthly"] == 5000
    history = client.get(f"/profiles/{profile_id}/history").get_data(as_text=True)
    assert "budget_monthly" in history and "3000" in history and "5000" in history


def test_signed_in_sme_saves_under_its_organisation(client, auth, make_user):
    user = make_user("sme")
    auth.login(user)
    response = fill_survey(client, answers())
    profile = db.session.get(SmeProfile, _profile_id(response.location))
    assert profile.organisation_id == user.organisation_id
    assert profile.current.author_id == user.id
    # A second survey by the same company is a new version, not a second profile.
    response = fill_survey(client, answers({1: {"employees": "15"}}))
    assert _profile_id(response.location) == profile.id
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(SmeProfile)
        .where(SmeProfile.organisation_id == user.organisation_id)
    )
    assert count == 1


def test_advisor_fills_for_a_client(client, auth, make_user):
    advisor = make_user("advisor")
    auth.login(advisor)
    assert client.post("/survey/start", data={"client_name": "Tea House Lin"}).status_code == 302
    response = fill_survey(client, answers(), start=False)
    profile = db.session.get(SmeProfile, _profile_id(response.location))
    assert profile.advisor_id == advisor.id
    assert profile.client_name == "Tea House Lin"
    assert profile.organisation_id is None
    assert "Tea House Lin" in client.get(response.location).get_data(as_text=True)


def test_another_smes_profile_is_not_found(app, client, auth, make_user):
    owner = make_user("sme")
    auth.login(owner)
    profile_id = _profile_id(fill_survey(client, answers()).location)
    other = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other).login(make_user("sme"))
    for url in (f"/profiles/{profile_id}", f"/profiles/{profile_id}/history"):
        assert other.get(url).status_code == 404
        assert app.test_client().get(url).status_code == 404  # a visitor without the key
    assert other.post(f"/profiles/{profile_id}/edit").status_code == 404
    feedback = {"item_kind": "tool", "item_slug": "x", "signal": "accept"}
    assert other.post(f"/profiles/{profile_id}/feedback", data=feedback).status_code == 404


def test_back_keeps_answers_without_checking_them(client):
    client.post("/survey/start")
    client.post("/survey/step/1", data={**answers()[1], "next": "1"})
    response = client.post("/survey/step/2", data={"goal_1": "sales.crm", "back": "1"})
    assert response.status_code == 302 and response.location.endswith("/survey/step/1")
    page = client.get("/survey/step/2").get_data(as_text=True)
    assert re.search(r'<option selected value="sales.crm">|value="sales.crm" selected', page)


def test_every_step_page_carries_a_working_csrf_token(strict_app):
    # Steps rebuilt from saved answers (a proposed currency, a re-shown step) included.
    client = strict_app.test_client()

    def post(url: str, data: dict) -> object:
        page = client.get(url).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, url
        return client.post(url, data={**data, "csrf_token": token.group(1)})

    page = client.get("/survey/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/survey/start", data={"csrf_token": token}).status_code == 302
    assert client.post("/survey/start").status_code == 400  # without a token
    response = None
    for number, fields in answers().items():
        response = post(f"/survey/step/{number}", {**fields, "next": "1"})
        assert response.status_code == 302, number
    assert "/profiles/" in response.location


def test_a_visitor_logging_in_with_a_second_factor_keeps_the_survey(client, auth, make_user):
    user = make_user("sme", totp=True)
    profile_id = _profile_id(fill_survey(client, answers()).location)
    assert auth.login(user).status_code == 302
    db.session.expire_all()
    assert db.session.get(SmeProfile, profile_id).organisation_id == user.organisation_id


def test_a_visitor_profile_joins_an_existing_company_profile_as_a_new_version(
    client, auth, make_user
):
    user = make_user("sme")
    auth.login(user)
    company = _profile_id(fill_survey(client, answers()).location)
    auth.logout()
    visitor = _profile_id(fill_survey(client, answers({1: {"employees": "20"}})).location)
    auth.login(user)
    db.session.expire_all()
    assert db.session.get(SmeProfile, visitor) is None
    profile = db.session.get(SmeProfile, company)
    assert [v.number for v in profile.versions] == [1, 2]
    assert profile.current.data["employees"] == 20


def test_a_saved_profile_the_rules_no_longer_accept_asks_for_an_update(client, auth, make_user):
    from dx_match.survey.models import ProfileVersion

    user = make_user("sme")
    profile = SmeProfile(organisation_id=user.organisation_id, industry_section="Z")
    profile.versions.append(ProfileVersion(number=1, data={"industry": "Z99", "goals": []}))
    db.session.add(profile)
    db.session.commit()
    auth.login(user)
    page = client.get(f"/profiles/{profile.id}")
    assert page.status_code == 200
    assert "This profile needs an update" in page.get_data(as_text=True)
