"""Deadline pages and .ics export, contract warnings, reminders, in-app notices, privacy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import icalendar
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from dx_match.advisory.models import AdvisorClient, RecommendationSet, SentReminder, SetItem
from dx_match.catalog.models import Subsidy
from dx_match.db import utcnow
from dx_match.extensions import db
from dx_match.notify.models import Notification
from tests.advisory.conftest import Workspace, count
from tests.conftest import AuthActions

TODAY = date(2026, 12, 1)  # jp-it-intro closes on 2026-12-20 in the demo catalog
TOOL = "inaho-kaikei-cloud"  # registered for jp-it-intro


@dataclass
class Plan:
    client_id: int
    set_id: int
    subsidy_item: int
    tool_item: int


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dx_match.advisory.views.today", lambda: TODAY)


def plan(workspace: Workspace, name: str = "Café, Lin; & Co") -> Plan:
    """A claimed client of the advisor with a sent set: jp-it-intro and a tool it funds."""
    subsidy = db.session.scalars(sa.select(Subsidy).where(Subsidy.slug == "jp-it-intro")).one()
    subsidy.contract_after_grant = True
    client = AdvisorClient(
        advisor_id=workspace.advisor.id,
        name=name,
        locale="ja",
        contact_email="owner@cafe.example",
        organisation_id=workspace.sme.organisation_id,
        claimed_at=utcnow(),
    )
    row = RecommendationSet(client=client, state="sent", sent_at=utcnow(), title="Plan")
    row.items.append(
        SetItem(item_kind="subsidy", item_slug="jp-it-intro", snapshot={"name": subsidy.name})
    )
    row.items.append(SetItem(item_kind="tool", item_slug=TOOL, snapshot={"name": {"en": "Inaho"}}))
    db.session.add_all([client, row])
    db.session.commit()
    return Plan(client.id, row.id, row.items[0].id, row.items[1].id)


def test_the_calendar_lists_windows_and_the_client_page_has_its_section(
    workspace: Workspace,
) -> None:
    p = plan(workspace)
    page = workspace.advisor_client.get("/advisor/calendar").text
    assert page.count('data-kind="closes"') == 2  # the subsidy item and the tool it funds
    assert "Café, Lin; &amp; Co" in page and 'datetime="2026-12-20"' in page
    assert 'data-testid="overdue"' not in page
    client_page = workspace.advisor_client.get(f"/advisor/clients/{p.client_id}").text
    assert client_page.count('data-kind="closes"') == 2
    assert f"/advisor/clients/{p.client_id}/calendar.ics" in client_page


def test_a_passed_window_is_overdue(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    plan(workspace)
    monkeypatch.setattr("dx_match.advisory.views.today", lambda: date(2026, 12, 21))
    page = workspace.advisor_client.get("/advisor/calendar").text
    assert page.count('data-testid="overdue"') == 2


def test_the_ics_export_parses_back(workspace: Workspace) -> None:
    p = plan(workspace, name="Café, Lin; & Co — a name long enough to be folded " * 2)
    response = workspace.advisor_client.get(f"/advisor/clients/{p.client_id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert all(len(line) <= 75 for line in response.data.split(b"\r\n"))
    parsed = icalendar.Calendar.from_ical(response.data)
    events = list(parsed.walk("VEVENT"))
    assert len(events) == 2
    assert {e.decoded("dtstart") for e in events} == {date(2026, 12, 20)}
    assert all(str(e["summary"]).startswith("Café, Lin; & Co — a name") for e in events)
    assert len({str(e["uid"]) for e in events}) == 2
    everything = workspace.advisor_client.get("/advisor/calendar.ics")
    assert len(list(icalendar.Calendar.from_ical(everything.data).walk("VEVENT"))) == 2


def test_another_advisor_sees_nothing_and_gets_404(workspace: Workspace, make_user: Any) -> None:
    p = plan(workspace)
    other = make_user("advisor")
    browser: FlaskClient = workspace.app.test_client()
    assert AuthActions(browser).login(other).status_code == 302
    assert browser.get(f"/advisor/clients/{p.client_id}/calendar.ics").status_code == 404
    assert 'data-kind="closes"' not in browser.get("/advisor/calendar").text
    assert b"VEVENT" not in browser.get("/advisor/calendar.ics").data


def test_a_revoked_client_leaves_the_calendar(workspace: Workspace) -> None:
    p = plan(workspace)
    assert workspace.sme_client.post(f"/sets/advisors/{p.client_id}/revoke").status_code == 303
    assert 'data-kind="closes"' not in workspace.advisor_client.get("/advisor/calendar").text
    export = workspace.advisor_client.get(f"/advisor/clients/{p.client_id}/calendar.ics")
    assert export.status_code == 200 and b"VEVENT" not in export.data
    notice = db.session.scalars(
        sa.select(Notification).where(Notification.user_id == workspace.advisor.id)
    ).one()
    assert notice.kind == "advisory_revoked"


def test_a_contract_before_the_grant_decision_is_warned_everywhere(workspace: Workspace) -> None:
    p = plan(workspace)
    adv = workspace.advisor_client
    contract = f"/advisor/sets/{p.set_id}/items/{p.tool_item}/contract"
    bad = adv.post(contract, data={"contract_planned_on": "5 Dec"}, follow_redirects=True)
    assert "5 Dec" in bad.text and "YYYY-MM-DD" in bad.text
    assert adv.post(contract, data={"contract_planned_on": "2026-12-05"}).status_code == 303
    assert db.session.get(SetItem, p.tool_item).contract_planned_on == date(2026, 12, 5)  # type: ignore[union-attr]
    assert 'data-testid="contract-warning"' in adv.get(f"/advisor/sets/{p.set_id}").text
    calendar_page = adv.get("/advisor/calendar").text
    assert 'data-kind="contract"' in calendar_page
    assert 'data-testid="contract-warning"' in calendar_page
    assert 'data-testid="contract-warning"' in workspace.sme_client.get(f"/sets/{p.set_id}").text
    # Applied, then granted on 2026-11-20 (set as the stage form would; this client has no
    # survey profile for the recommender's feedback): a contract on 2026-12-05 is fine.
    subsidy_item = db.session.get(SetItem, p.subsidy_item)
    assert subsidy_item is not None
    subsidy_item.stage = "adopted"
    subsidy_item.stage_dates = {"applied": "2026-11-01", "adopted": "2026-11-20"}
    db.session.commit()
    assert 'data-testid="contract-warning"' not in adv.get(f"/advisor/sets/{p.set_id}").text
    assert (
        'data-testid="contract-warning"' not in workspace.sme_client.get(f"/sets/{p.set_id}").text
    )
    # A subsidy item has no contract date.
    refused = adv.post(
        f"/advisor/sets/{p.set_id}/items/{p.subsidy_item}/contract",
        data={"contract_planned_on": "2026-12-05"},
        follow_redirects=True,
    )
    assert "Only a tool has a contract date." in refused.text


def test_reminders_are_sent_once(workspace: Workspace, runner: Any, outbox: Any) -> None:
    p = plan(workspace)
    advisor_email = workspace.advisor.email  # the command ends the session
    early = runner.invoke(args=["advisory", "remind", "--today", "2026-12-05"])
    assert early.exit_code == 0 and "sent 0" in early.output
    first = runner.invoke(args=["advisory", "remind", "--today", "2026-12-06"])
    assert first.exit_code == 0 and "sent 1" in first.output, first.output
    again = runner.invoke(args=["advisory", "remind", "--today", "2026-12-07"])
    assert "sent 0" in again.output
    (reminder,) = db.session.scalars(sa.select(SentReminder))
    assert (reminder.item_id, reminder.kind, reminder.due_on) == (
        p.subsidy_item,
        "closes_14",
        date(2026, 12, 20),
    )
    (mail,) = outbox(advisor_email)
    assert "2026-12-20" in mail.subject and f"/advisor/sets/{p.set_id}" in mail.text_body
    assert count(Notification, Notification.kind == "advisory_window_closing") == 1
    last = runner.invoke(args=["advisory", "remind", "--today", "2026-12-18"])
    assert "sent 1" in last.output
    assert count(SentReminder) == 2


def test_outcome_reminder_when_due(workspace: Workspace, runner: Any) -> None:
    p = plan(workspace)
    item = db.session.get(SetItem, p.tool_item)
    assert item is not None
    item.stage, item.stage_dates = "adopted", {"adopted": "2026-09-01"}
    db.session.commit()
    result = runner.invoke(args=["advisory", "remind", "--today", "2026-12-01"])
    assert "sent 1" in result.output
    assert count(Notification, Notification.kind == "advisory_outcome_due") == 1


def test_advisory_events_notify_in_the_app(workspace: Workspace, outbox: Any) -> None:
    client_id, row = workspace.sent_set()
    # The contact address has the set's own mail; a member with another address a short one.
    assert [m.template for m in outbox("owner@cafe.example")] == [
        "advisory_invite",
        "advisory_set_sent",
    ]
    assert [m.template for m in outbox(workspace.sme.email)] == ["notification"]
    mine = sa.select(Notification.kind).order_by(Notification.id)
    advisor_kinds = list(
        db.session.scalars(mine.where(Notification.user_id == workspace.advisor.id))
    )
    assert advisor_kinds == ["advisory_claimed"]
    sme_kinds = list(db.session.scalars(mine.where(Notification.user_id == workspace.sme.id)))
    assert sme_kinds == ["advisory_set_sent"]
    item = row.items[0]
    answer = f"/sets/{row.id}/items/{item.id}/respond"
    assert workspace.sme_client.post(answer, data={"response": "interested"}).status_code == 303
    advisor_kinds = list(
        db.session.scalars(mine.where(Notification.user_id == workspace.advisor.id))
    )
    assert advisor_kinds == ["advisory_claimed", "advisory_response"]
    bell = workspace.advisor_client.get("/notifications").text
    assert "Café Lin" in bell
    assert client_id
