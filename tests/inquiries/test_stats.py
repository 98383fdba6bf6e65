"""The pure parts: robot detection, weeks, weekly sums and the chart geometry."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest

from dx_match.inquiries import stats


@pytest.mark.parametrize(
    ("agent", "bot"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36",
            False,
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1",
            False,
        ),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", True),
        ("Mozilla/5.0 (compatible; bingbot/2.0)", True),
        ("facebookexternalhit/1.1", True),
        ("Slackbot-LinkExpanding 1.0", True),
        ("curl/8.4.0", True),
        ("python-requests/2.31", True),
        ("Mozilla/5.0 HeadlessChrome/120.0", True),
        ("", True),
        ("   ", True),
        (None, True),
    ],
)
def test_is_bot(agent: str | None, bot: bool) -> None:
    assert stats.is_bot(agent) is bot


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2026, 12, 7), date(2026, 12, 7)),  # a Monday
        (date(2026, 12, 13), date(2026, 12, 7)),  # its Sunday
        (date(2027, 1, 1), date(2026, 12, 28)),  # across the year end
    ],
)
def test_week_start(day: date, monday: date) -> None:
    assert stats.week_start(day) == monday


def test_week_starts_end_with_this_week_and_are_a_week_apart() -> None:
    starts = stats.week_starts(date(2026, 12, 3), 26)
    assert len(starts) == 26 and starts[-1] == date(2026, 11, 30)
    assert all(b - a == timedelta(weeks=1) for a, b in pairwise(starts))


def test_weekly_sums_by_week_and_ignores_days_outside() -> None:
    starts = stats.week_starts(date(2026, 12, 3), 3)  # Nov 16, Nov 23, Nov 30
    counts = [
        (date(2026, 11, 16), 2),
        (date(2026, 11, 22), 3),  # Sunday of the first week
        (date(2026, 12, 2), 5),
        (date(2026, 11, 15), 100),  # before the range
        (date(2026, 12, 7), 100),  # after it
    ]
    assert stats.weekly(counts, starts) == [5, 0, 5]


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (10, 10), (11, 20), (180, 200), (501, 1000)]
)
def test_nice_max(value: int, top: int) -> None:
    assert stats.nice_max(value) == top


def test_bar_heights_are_proportional_and_bars_sit_on_the_axis() -> None:
    starts = stats.week_starts(date(2026, 12, 3), 4)
    chart = stats.bar_chart([[0, 5, 10, 2], [1, 0, 3, 0]], starts, height=200)
    assert [bar.value for bar in chart.bars] == [0, 5, 10, 2, 1, 0, 3, 0]
    full = chart.bottom - chart.top
    for bar in chart.bars:
        assert bar.height == pytest.approx(full * bar.value / 10, abs=0.01)
        assert bar.y + bar.height == pytest.approx(chart.bottom, abs=0.01)
    xs = [bar.x for bar in chart.bars if bar.series == 0]
    assert xs == sorted(xs)  # weeks left to right
    assert [value for value, _y in chart.ticks] == [0, 2, 5, 7, 10]
