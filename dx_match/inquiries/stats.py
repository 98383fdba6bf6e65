"""Weekly series and their bar-chart geometry (pure: no Flask, no database).

The leads page draws the chart as server-side SVG from `bar_chart`, and shows the same numbers
in a table: both come from `weekly`, so the chart can never disagree with the table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

#: Weeks shown on the leads page.
WEEKS = 26
# User agents that announce a program rather than a person (crawlers, link previews, monitors,
# HTTP libraries). A person's browser says none of these words.
_BOT = re.compile(
    r"bot|crawl|spider|slurp|scrap|fetch|preview|monitor|lighthouse|headless|phantom|curl|wget"
    r"|python|java/|go-http|okhttp|axios|node-fetch|libwww|httpclient|facebookexternalhit",
    re.IGNORECASE,
)


def is_bot(user_agent: str | None) -> bool:
    """Whether a User-Agent looks like a program (an empty one counts as a program)."""
    return not user_agent or not user_agent.strip() or bool(_BOT.search(user_agent))


def week_start(day: date) -> date:
    """The Monday of the ISO week `day` falls in."""
    return day - timedelta(days=day.weekday())


def week_starts(today: date, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first, this week last."""
    current = week_start(today)
    return [current - timedelta(weeks=weeks - 1 - n) for n in range(weeks)]


def weekly(counts: Iterable[tuple[date, int]], starts: list[date]) -> list[int]:
    """Sum (day, count) pairs into the weeks beginning on `starts` (days outside are ignored)."""
    index = {start: n for n, start in enumerate(starts)}
    totals = [0] * len(starts)
    for day, count in counts:
        position = index.get(week_start(day))
        if position is not None:
            totals[position] += count
    return totals


@dataclass(frozen=True)
class Bar:
    """One bar: its box in SVG user units and the value it stands for."""

    x: float
    y: float
    width: float
    height: float
    value: int
    series: int


@dataclass(frozen=True)
class Chart:
    """A grouped bar chart: bars, the y-axis ticks (value, y) and the x labels (label, x)."""

    width: int
    height: int
    top: int
    bottom: int
    left: int
    bars: list[Bar]
    ticks: list[tuple[int, float]]
    labels: list[tuple[str, float]]


def nice_max(value: int) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ not below `value` (at least 1), for the y-axis top."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return max(step * factor, 1)
        step *= 10


def bar_chart(
    series: list[list[int]],
    starts: list[date],
    *,
    width: int = 640,
    height: int = 200,
    label_every: int = 4,
) -> Chart:
    """Geometry of grouped bars, one group per week and one bar per series in each group."""
    left, top, bottom, right = 36, 10, 24, 6
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = nice_max(max((v for values in series for v in values), default=0))
    group = plot_w / max(len(starts), 1)
    bar_w = group * 0.8 / max(len(series), 1)
    bars = []
    for s, values in enumerate(series):
        for n, value in enumerate(values):
            h = plot_h * value / peak
            x = left + n * group + group * 0.1 + s * bar_w
            y = top + plot_h - h
            bars.append(Bar(round(x, 2), round(y, 2), round(bar_w, 2), round(h, 2), value, s))
    values = sorted({peak * k // 4 for k in range(5)})  # whole numbers only: counts are whole
    ticks = [(v, round(top + plot_h - plot_h * v / peak, 2)) for v in values]
    labels = [
        (start.strftime("%m-%d"), round(left + n * group + group / 2, 2))
        for n, start in enumerate(starts)
        if n % label_every == 0
    ]
    return Chart(width, height, top, height - bottom, left, bars, ticks, labels)
