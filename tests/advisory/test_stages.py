"""The follow-up stages as data: which moves are allowed, on which dates."""

from __future__ import annotations

from datetime import date

import pytest

from dx_match.advisory.stages import StageRefused, move, next_stages

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("kind", "current", "expected"),
    [
        ("tool", None, ("interested", "adopted", "reported")),
        ("tool", "interested", ("adopted", "reported")),
        ("tool", "adopted", ("reported",)),
        ("tool", "reported", ()),
        ("course", "interested", ("adopted", "reported")),
        ("subsidy", None, ("interested", "applied", "adopted", "reported")),
        ("subsidy", "interested", ("applied", "adopted", "reported")),
        ("subsidy", "applied", ("adopted", "reported")),
    ],
)
def test_next_stages(kind: str, current: str | None, expected: tuple[str, ...]) -> None:
    assert next_stages(kind, current) == expected


@pytest.mark.parametrize(
    ("kind", "current", "target", "on", "dates", "code"),
    [
        ("tool", "interested", "applied", TODAY, {}, "unknown_stage"),  # only subsidies apply
        ("tool", "adopted", "interested", TODAY, {}, "not_forward"),
        ("tool", "adopted", "adopted", TODAY, {}, "not_forward"),
        ("subsidy", "applied", "interested", TODAY, {}, "not_forward"),
        ("tool", None, "interested", date(2026, 12, 2), {}, "future_date"),
        ("tool", "interested", "adopted", date(2026, 11, 1), {"interested": "2026-11-20"}, "before_previous"),
        ("tool", None, "sold", TODAY, {}, "unknown_stage"),
    ],
)  # fmt: skip
def test_refused_moves(  # noqa: PLR0917  (one parameter per table column)
    kind: str, current: str | None, target: str, on: date, dates: dict[str, str], code: str
) -> None:
    with pytest.raises(StageRefused) as refused:
        move(kind, current, target, on=on, dates=dates, today=TODAY)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("kind", "current", "target", "on", "dates", "result"),
    [
        ("tool", None, "interested", TODAY, {}, {"interested": "2026-12-01"}),
        ("tool", "interested", "adopted", date(2026, 11, 20), {"interested": "2026-11-20"},
         {"interested": "2026-11-20", "adopted": "2026-11-20"}),
        ("tool", "interested", "reported", TODAY, {"interested": "2026-11-01"},
         {"interested": "2026-11-01", "reported": "2026-12-01"}),  # a skipped stage has no date
        ("subsidy", "interested", "applied", TODAY, {"interested": "2026-11-01"},
         {"interested": "2026-11-01", "applied": "2026-12-01"}),
    ],
)  # fmt: skip
def test_allowed_moves(  # noqa: PLR0917  (one parameter per table column)
    kind: str,
    current: str | None,
    target: str,
    on: date,
    dates: dict[str, str],
    result: dict[str, str],
) -> None:
    assert move(kind, current, target, on=on, dates=dates, today=TODAY) == result
