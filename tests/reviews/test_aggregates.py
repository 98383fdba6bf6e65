"""The pure aggregation rules: size bands, groups of at least 5 organisations, summaries."""

from __future__ import annotations

import itertools

import pytest

from dx_match.reviews.aggregates import (
    MIN_ORGANISATIONS,
    GroupKey,
    Observation,
    groups,
    rating_summary,
    size_band,
)
from dx_match.reviews.outcomes import add_months, due_milestones, measures_for


@pytest.mark.parametrize(
    ("employees", "band"),
    [
        (None, ""),
        (-1, ""),
        (0, "1-9"),
        (9, "1-9"),
        (10, "10-29"),
        (29, "10-29"),
        (30, "30-99"),
        (299, "100-299"),
        (300, "300+"),
        (5000, "300+"),
    ],
)
def test_size_band(employees: int | None, band: str) -> None:
    assert size_band(employees) == band


def obs(org: int, section: str = "I", band: str = "10-29", hours: float = 10.0) -> Observation:
    return Observation(org, section, band, {"hours_saved": hours})


def test_four_organisations_never_make_a_group() -> None:
    rows = [obs(n) for n in range(MIN_ORGANISATIONS - 1)]
    assert groups(rows) == {}


def test_five_organisations_make_every_group_they_share() -> None:
    rows = [obs(n, hours=h) for n, h in enumerate([2, 4, 12, 20, 30])]
    found = groups(rows)
    assert set(found) == {GroupKey(), GroupKey("I"), GroupKey(band="10-29"), GroupKey("I", "10-29")}
    assert found[GroupKey("I", "10-29")].medians["hours_saved"] == 12
    assert found[GroupKey()].organisations == 5


def test_one_organisation_reporting_twice_counts_once() -> None:
    rows = [obs(n) for n in range(4)] + [obs(3, hours=99)]
    assert groups(rows) == {}


def test_no_filter_combination_shows_a_group_of_four() -> None:
    # 9 companies: 5 restaurants of 10-29 staff and 4 shops of 1-9 staff. Every shown group,
    # whichever section and band are combined, has at least 5 companies.
    rows = [obs(n, "I", "10-29") for n in range(5)] + [obs(10 + n, "G", "1-9") for n in range(4)]
    found = groups(rows)
    for section, band in itertools.product([None, "I", "G"], [None, "10-29", "1-9"]):
        key = GroupKey(section, band)
        if key in found:
            assert found[key].organisations >= MIN_ORGANISATIONS
    assert GroupKey("G") not in found
    assert GroupKey(band="1-9") not in found
    assert GroupKey("G", "1-9") not in found
    assert found[GroupKey()].organisations == 9


def test_a_measure_only_four_reported_is_left_out_of_a_group_of_five() -> None:
    rows = [
        Observation(n, "I", "10-29", {"hours_saved": 5.0, **({"stockouts": 1.0} if n else {})})
        for n in range(5)
    ]
    assert groups(rows)[GroupKey()].medians == {"hours_saved": 5.0}


def test_rating_summary_distribution_and_groups() -> None:
    rows = [Observation(n, "I", "10-29", {"overall": float(1 + n % 5)}) for n in range(6)]
    summary = rating_summary(rows)
    assert summary.count == 6
    assert summary.distribution == {5: 1, 4: 1, 3: 1, 2: 1, 1: 2}
    assert set(summary.by_section) == {"I"} and set(summary.by_band) == {"10-29"}
    assert rating_summary(rows[:4]).by_section == {}


def test_measures_follow_the_tool_functions_and_milestones_the_calendar() -> None:
    keys = [
        m.key for m in measures_for(["finance.invoicing", "finance.accounting", "supply.inventory"])
    ]
    assert keys == [
        "invoices_per_hour",
        "days_to_close",
        "stockouts_per_month",
        "order_errors_per_month",
    ]
    from datetime import date

    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert due_milestones(date(2026, 1, 5), date(2026, 4, 4)) == []
    assert due_milestones(date(2026, 1, 5), date(2026, 4, 5)) == [3]
    assert due_milestones(date(2026, 1, 5), date(2027, 1, 5)) == [3, 12]
