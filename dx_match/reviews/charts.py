"""Pure: geometry of a small horizontal bar chart (one bar per group), drawn as inline SVG."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HBar:
    """One bar: its label, value, and where it goes."""

    label: str
    value: float
    y: float
    width: float


@dataclass(frozen=True)
class HChart:
    """The SVG's size, the bars and where the plot starts."""

    width: int
    height: int
    left: int
    bar_height: int
    bars: list[HBar]


#: Each row: its label on one line (labels can be long: industry names), the bar below it.
ROW_HEIGHT = 36


def hbar_chart(rows: list[tuple[str, float]], *, width: int = 480) -> HChart:
    """Bars scaled to the largest value, each under its label; `y` is the row's top."""
    peak = max((value for _label, value in rows), default=0.0) or 1.0
    plot = width - 48  # room for the value after the longest bar
    bars = [
        HBar(label, value, n * ROW_HEIGHT, round(plot * value / peak, 2))
        for n, (label, value) in enumerate(rows)
    ]
    return HChart(width, len(rows) * ROW_HEIGHT, 0, 14, bars)
