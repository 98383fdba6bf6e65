"""The pure deadline rules: calendar entries, month groups, contract warnings, reminders due."""

from __future__ import annotations

from datetime import date

import pytest

from dx_match.advisory import stages
from dx_match.advisory.calendar import (
    ItemFacts,
    Window,
    by_month,
    contract_warning,
    due_reminders,
    entries,
)

TODAY = date(2026, 12, 1)
IT_INTRO = Window("jp-it-intro", {"en": "IT Intro"}, date(2026, 12, 20), contract_after_grant=True)


def item(kind: str = "subsidy", **fields: object) -> ItemFacts:
    values: dict[str, object] = {
        "client_id": 1,
        "client_name": "Café Lin",
        "set_id": 10,
        "item_id": 100,
        "kind": kind,
        "name": {"en": "Thing"},
    }
    return ItemFacts(**(values | fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("planned", "grants", "too_early"),
    [
        (None, [None], False),  # no contract planned
        (date(2026, 12, 5), [], False),  # no subsidy asks to wait
        (date(2026, 12, 5), [None], True),  # not decided yet
        (date(2026, 12, 5), [date(2026, 12, 6)], True),  # the day before the decision
        (date(2026, 12, 6), [date(2026, 12, 6)], False),  # on the decision day
        (date(2026, 12, 7), [date(2026, 12, 6), None], True),  # one of two still open
    ],
)
def test_contract_too_early(
    planned: date | None, grants: list[date | None], too_early: bool
) -> None:
    assert stages.contract_too_early(planned, grants) is too_early


def test_the_grant_decision_is_the_adopted_date_of_a_subsidy_item() -> None:
    assert stages.grant_decided_on({"applied": "2026-10-01", "adopted": "2026-11-02"}) == date(
        2026, 11, 2
    )
    assert stages.grant_decided_on({"applied": "2026-10-01"}) is None


@pytest.mark.parametrize(
    ("window", "warned"),
    [
        (IT_INTRO, False),  # the client does not pursue it
        (Window("s", {}, None, contract_after_grant=True, pursued=True), True),
        (Window("s", {}, None, contract_after_grant=False, pursued=True), False),
        (Window("s", {}, None, True, pursued=True, granted_on=date(2026, 12, 10)), True),
        (Window("s", {}, None, True, pursued=True, granted_on=date(2026, 12, 1)), False),
    ],
)
def test_contract_warning_only_for_pursued_programmes(window: Window, warned: bool) -> None:
    tool = item("tool", contract_planned_on=date(2026, 12, 5), windows=(window,))
    assert contract_warning(tool) is warned


def test_windows_close_only_for_items_not_applied_for_yet() -> None:
    open_item = item(windows=(IT_INTRO,), stage="interested")
    applied = item(item_id=101, windows=(IT_INTRO,), stage="applied")
    declined = item(item_id=102, windows=(IT_INTRO,), response="not_relevant")
    tool = item("tool", item_id=103, windows=(IT_INTRO,))
    found = entries([open_item, applied, declined, tool], TODAY)
    assert [(e.kind, e.item.item_id, e.day) for e in found] == [
        ("closes", 100, date(2026, 12, 20)),
        ("closes", 103, date(2026, 12, 20)),
    ]
    assert not any(e.overdue for e in found)
    closed = entries([open_item], date(2026, 12, 21))
    assert [e.overdue for e in closed] == [True]


def test_outcome_reports_are_due_3_and_12_months_after_adoption() -> None:
    adopted = item("tool", stage="adopted", stage_dates={"adopted": "2026-08-31"})
    found = entries([adopted], TODAY)
    assert [(e.kind, e.milestone, e.day, e.overdue) for e in found] == [
        ("outcome", 3, date(2026, 11, 30), True),  # 31 Nov does not exist
        ("outcome", 12, date(2027, 8, 31), False),
    ]
    reported = item(
        "tool", stage="reported", stage_dates={"adopted": "2026-08-31", "reported": "2026-12-01"}
    )
    assert [e.milestone for e in entries([reported], TODAY)] == [12]
    assert entries([item("tool", stage="interested")], TODAY) == []


def test_future_stage_dates_and_contracts_are_listed_and_grouped_by_month() -> None:
    planned = item("tool", stage_dates={"interested": "2026-11-01", "adopted": "2027-01-04"})
    contract = item(
        "tool",
        item_id=104,
        client_name="Aoi",
        contract_planned_on=date(2026, 12, 5),
        windows=(Window("s", {}, None, True, pursued=True),),
    )
    found = entries([planned, contract], TODAY)
    assert [(e.kind, e.day) for e in found] == [
        ("contract", date(2026, 12, 5)),
        ("stage", date(2027, 1, 4)),
    ]
    assert found[0].warning and not found[1].warning
    assert [(month, len(group)) for month, group in by_month(found)] == [
        (date(2026, 12, 1), 1),
        (date(2027, 1, 1), 1),
    ]
    assert len({e.uid for e in found}) == 2


@pytest.mark.parametrize(
    ("today", "kinds"),
    [
        (date(2026, 12, 5), []),  # 15 days left
        (date(2026, 12, 6), ["closes_14"]),  # 14 days left
        (date(2026, 12, 16), ["closes_14"]),  # 4 days left
        (date(2026, 12, 17), ["closes_3"]),  # 3 days left
        (date(2026, 12, 20), ["closes_3"]),  # the last day
        (date(2026, 12, 21), []),  # closed
    ],
)
def test_window_reminders_before_closing(today: date, kinds: list[str]) -> None:
    due = due_reminders([item(windows=(IT_INTRO,))], today)
    assert [d.kind for d in due] == kinds
    assert all(d.due_on == date(2026, 12, 20) for d in due)


def test_no_window_reminder_once_applied_or_for_tools() -> None:
    applied = item(windows=(IT_INTRO,), stage="applied", stage_dates={"applied": "2026-11-01"})
    tool = item("tool", windows=(IT_INTRO,))
    assert due_reminders([applied, tool], date(2026, 12, 18)) == []


def test_outcome_reminders_when_the_day_has_come() -> None:
    adopted = item("tool", stage="adopted", stage_dates={"adopted": "2026-09-01"})
    assert due_reminders([adopted], date(2026, 11, 30)) == []
    (due,) = due_reminders([adopted], date(2026, 12, 1))
    assert (due.kind, due.due_on) == ("outcome_3", date(2026, 12, 1))
