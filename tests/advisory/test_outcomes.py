"""The advisor's outcome numbers against crafted clients, sets and stages."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask

from dx_match.accounts.models import User
from dx_match.advisory.models import AdvisorClient, RecommendationSet, SetItem
from dx_match.advisory.outcomes import month_starts
from dx_match.extensions import db
from tests.advisory.conftest import Workspace
from tests.conftest import AuthActions

TODAY = date(2026, 11, 25)


def _item(kind: str, **kw: Any) -> SetItem:
    snapshot = kw.pop("snapshot", {"name": kind, "currency": "TWD"})
    return SetItem(item_kind=kind, item_slug=f"{kind}-{id(kw)}", snapshot=snapshot, **kw)


def craft(advisor: User) -> None:
    """Three clients; two sent sets (October, November) and a draft that must not count."""
    a = AdvisorClient(advisor_id=advisor.id, name="A", locale="en")
    b = AdvisorClient(advisor_id=advisor.id, name="B", locale="ja")
    c = AdvisorClient(advisor_id=advisor.id, name="C", locale="zh-TW")
    october = RecommendationSet(
        client=a, state="sent", currency="TWD", sent_at=datetime(2026, 10, 3, 10)
    )
    october.items = [
        _item(
            "tool",
            response="interested",
            responded_at=datetime(2026, 10, 5),
            stage="adopted",
            stage_dates={"interested": "2026-10-05", "adopted": "2026-11-02"},
        ),
        _item(
            "subsidy",
            snapshot={"name": "S", "currency": "TWD", "estimated_amount": "50000"},
            response="interested",
            responded_at=datetime(2026, 10, 6),
            stage="applied",
            stage_dates={"interested": "2026-10-06", "applied": "2026-10-20"},
        ),
        _item("course", response="not_relevant", responded_at=datetime(2026, 10, 7)),
    ]
    november = RecommendationSet(
        client=b, state="sent", currency="TWD", sent_at=datetime(2026, 11, 10, 10)
    )
    november.items = [
        _item(
            "subsidy",
            snapshot={"name": "S2", "currency": "TWD", "estimated_amount": "20000"},
            stage="interested",  # not applied yet: not obtained
            stage_dates={"interested": "2026-11-11"},
        ),
        _item("tool"),  # no answer
    ]
    draft = RecommendationSet(client=c, state="draft", currency="TWD")
    draft.items = [_item("tool", stage="adopted", stage_dates={"adopted": "2026-11-01"})]
    db.session.add_all([october, november, draft])
    db.session.commit()


@pytest.fixture
def crafted(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.setattr("dx_match.advisory.views.today", lambda: TODAY)
    craft(workspace.advisor)
    return workspace


def test_month_starts_span_a_year_change() -> None:
    starts = month_starts(date(2026, 2, 14), 4)
    assert starts == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def test_the_dashboard_shows_the_advisors_numbers(crafted: Workspace) -> None:
    html = crafted.advisor_client.get("/advisor/outcomes").text
    assert '<dd data-figure="clients">3</dd>' in html
    assert '<dd data-figure="sets_sent">2</dd>' in html  # the draft is not counted
    assert '<dd data-figure="adopted">1</dd>' in html  # the draft's adoption is not counted
    assert '<dd data-figure="obtained">NT$50,000</dd>' in html  # applied, not merely interested
    assert '<dd data-figure="response_rate">60%</dd>' in html  # 3 answered of 5 sent items
    assert "<svg" in html and 'data-value="1"' in html
    assert (
        '<tr><th scope="row">2026-10</th><td>1</td><td>3</td><td>0</td><td>NT$50,000</td></tr>'
        in html
    )
    assert '<tr><th scope="row">2026-11</th><td>1</td><td>0</td><td>1</td><td></td></tr>' in html


def test_the_csv_has_the_monthly_numbers(crafted: Workspace) -> None:
    response = crafted.advisor_client.get("/advisor/outcomes.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["month", "sets_sent", "answers", "items_adopted", "subsidy_estimated_TWD"]
    assert len(rows) == 13  # twelve months
    by_month = {r[0]: r[1:] for r in rows[1:]}
    assert by_month["2026-10"] == ["1", "3", "0", "50000"]
    assert by_month["2026-11"] == ["1", "0", "1", "0"]
    assert by_month["2025-12"] == ["0", "0", "0", "0"]


def test_another_advisor_sees_only_its_own_numbers(
    crafted: Workspace, app: Flask, make_user: Any
) -> None:
    other = app.test_client()
    assert AuthActions(other).login(make_user("advisor")).status_code == 302
    html = other.get("/advisor/outcomes").text
    assert '<dd data-figure="clients">0</dd>' in html
    assert '<dd data-figure="sets_sent">0</dd>' in html
    assert '<dd data-figure="response_rate">—</dd>' in html
    assert other.get("/advisor/outcomes.csv").text.count("\n") == 13  # header, 12 empty months


def test_the_admin_overview_lists_every_advisor(
    crafted: Workspace, app: Flask, make_user: Any
) -> None:
    admin = app.test_client()
    assert AuthActions(admin).login(make_user("admin")).status_code == 302
    html = admin.get("/admin/advisor-outcomes").text
    row = html[html.index(f'data-advisor="{crafted.advisor.id}"') :].split("</tr>")[0]
    assert "<td>3</td><td>2</td><td>1</td><td>NT$50,000</td><td>60%</td>" in row
    assert crafted.advisor_client.get("/admin/advisor-outcomes").status_code == 403
