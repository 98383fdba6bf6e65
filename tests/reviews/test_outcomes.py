"""Outcome reports: reminders at 3 and 12 months, and figures only for 5+ companies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from dx_match.accounts.models import User
from dx_match.catalog.models import Tool
from dx_match.errors import NotFound
from dx_match.reviews import outcome_services, queries
from dx_match.reviews.aggregates import GroupKey
from dx_match.reviews.models import Adoption, OutcomeReport
from tests.conftest import AuthActions

RATES = {"USD": Decimal(1), "TWD": Decimal(32), "JPY": Decimal(150)}
LATER = date(2027, 2, 1)  # more than 12 months after SINCE


def report(
    user: User, adoption: Adoption, hours: str, milestone: int = 3, **kw: Any
) -> OutcomeReport:
    data = outcome_services.OutcomeInput(
        hours_saved=hours,
        monthly_cost=kw.get("cost", "3200"),
        currency=kw.get("currency", "TWD"),
        still_using=kw.get("still_using", True),
        measures=kw.get("measures", {}),
    )
    return outcome_services.save_report(
        user, adoption.id, milestone, data, today=LATER, rates=RATES
    )


def reporters(
    make_sme: Callable[..., User], adopt: Callable[..., Adoption], tool: Tool, n: int, **kw: Any
) -> list[tuple[User, Adoption]]:
    result = []
    for _ in range(n):
        user = make_sme(**kw)
        result.append((user, adopt(user, tool)))
    return result


def test_four_companies_never_show_any_figure(
    client: FlaskClient, make_sme: Callable[..., User], adopt: Callable[..., Adoption], tool: Tool
) -> None:
    for n, (user, adoption) in enumerate(reporters(make_sme, adopt, tool, 4)):
        report(user, adoption, str(10 + n))
        report(user, adoption, str(20 + n), milestone=12)
    assert queries.tool_outcomes(tool.id, RATES) == {}
    assert queries.hours_saved_by_section(RATES) == {}
    page = client.get(f"/tools/{tool.slug}").get_data(as_text=True)
    assert "report a median" not in page
    assert "Outcome figures appear once at least 5 companies" in page


def test_five_companies_show_medians_by_group_and_a_sentence(
    client: FlaskClient, make_sme: Callable[..., User], adopt: Callable[..., Adoption], tool: Tool
) -> None:
    pairs = reporters(make_sme, adopt, tool, 5, industry="I56", employees=12)
    # A sixth company of another size: it joins "all" and "I" but its band stays hidden.
    pairs += reporters(make_sme, adopt, tool, 1, industry="I56", employees=150)
    for n, (user, adoption) in enumerate(pairs):
        report(user, adoption, str(8 + 2 * n))
    found = queries.tool_outcomes(tool.id, RATES)
    assert set(found) == {GroupKey(), GroupKey("I"), GroupKey(band="10-29"), GroupKey("I", "10-29")}
    assert found[GroupKey("I", "10-29")].medians["hours_saved"] == 12
    assert found[GroupKey("I", "10-29")].medians["monthly_cost"] == pytest.approx(100)
    assert queries.hours_saved_by_section(RATES) == {(tool.id, "I"): 13}
    page = client.get(f"/tools/{tool.slug}?lang=en").get_data(as_text=True)
    assert "companies of 10–29 staff report a median of 12 hours saved a month." in page
    assert "100–299" not in page
    assert "<svg" in page


def test_the_last_report_of_a_company_counts_once(
    make_sme: Callable[..., User], adopt: Callable[..., Adoption], tool: Tool
) -> None:
    pairs = reporters(make_sme, adopt, tool, 5)
    for user, adoption in pairs:
        report(user, adoption, "4")
    for user, adoption in pairs:
        report(user, adoption, "30", milestone=12)
    assert queries.tool_outcomes(tool.id, RATES)[GroupKey()].organisations == 5
    assert queries.tool_outcomes(tool.id, RATES)[GroupKey()].medians["hours_saved"] == 30


def test_only_members_report_due_milestones_and_bad_numbers_are_refused(
    app: Any,
    make_sme: Callable[..., User],
    make_user: Callable[..., User],
    adopt: Callable[..., Adoption],
    tool: Tool,
) -> None:
    user = make_sme()
    adoption = adopt(user, tool)
    with pytest.raises(NotFound):
        report(make_sme(), adoption, "5")
    with pytest.raises(NotFound):
        outcome_services.reportable(user, adoption.id, 3, date(2026, 4, 4))  # not due yet
    with pytest.raises(outcome_services.FieldProblem):
        report(user, adoption, "lots")
    with pytest.raises(outcome_services.FieldProblem):
        report(user, adoption, "5", currency="XXX")
    pending = adopt(make_sme(), tool, confirmed=False)
    with pytest.raises(NotFound):
        outcome_services.reportable(user, pending.id, 3, LATER)
    client = app.test_client()
    assert AuthActions(client).login(user).status_code == 302
    page = client.post(
        f"/adoptions/{adoption.id}/outcome/3",
        data={"hours_saved": "12", "monthly_cost": "x", "currency": "USD", "still_using": "yes"},
    )
    assert page.status_code == 422
    assert 'value="12"' in page.get_data(as_text=True)
    assert client.get(f"/adoptions/{adoption.id}/outcome/7").status_code == 404


def test_remind_asks_each_due_milestone_once(
    runner: FlaskCliRunner,
    make_sme: Callable[..., User],
    adopt: Callable[..., Adoption],
    tool: Tool,
    outbox: Any,
) -> None:
    user = make_sme()
    email = user.email  # the command ends the session: keep what the test needs
    adopt(user, tool, since=date(2026, 1, 5))
    adopt(make_sme(), tool, confirmed=False, since=date(2026, 1, 5))  # unconfirmed: never asked
    assert outcome_services.remind(date(2026, 4, 4)) == 0
    result = runner.invoke(args=["outcomes", "remind", "--today", "2026-04-05"])
    assert result.exit_code == 0, result.output
    assert "asked for 1 outcome report" in result.output
    mails = outbox(email)
    assert [m.template for m in mails] == ["outcome_reminder"]
    assert "/outcome/3" in mails[0].text_body
    assert outcome_services.remind(date(2026, 4, 6)) == 0  # idempotent
    assert outcome_services.remind(date(2027, 1, 5)) == 1  # the 12-month one
    assert outcome_services.remind(date(2027, 1, 6)) == 0
    assert len(outbox(email)) == 2
    assert runner.invoke(args=["outcomes", "remind", "--today", "soon"]).exit_code == 2


def test_the_demo_feedback_loads_once_and_shows_on_its_tool(client: FlaskClient) -> None:
    from dx_match.reviews.demo import ensure_demo_feedback

    assert ensure_demo_feedback(date(2026, 11, 26)) >= 6
    assert ensure_demo_feedback(date(2026, 11, 26)) == 0
    page = client.get("/tools/meihua-pay-terminal?lang=en").get_data(as_text=True)
    assert "Verified adopter" in page
    assert "report a median of 12 hours saved a month" in page
