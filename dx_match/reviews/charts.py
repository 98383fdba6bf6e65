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


def hbar_chart(rows: list[tuple[str, float]], *, width: int = 480, left: int = 170) -> HChart:
    """Bars scaled to the largest value; 24 px per bar."""
    bar_height, gap = 16, 8
    peak = max((value for _label, value in rows), default=0.0) or 1.0
    plot = width - left - 40  # room for the value after the bar
    bars = [
        HBar(label, value, gap / 2 + n * (bar_height + gap), round(plot * value / peak, 2))
        for n, (label, value) in enumerate(rows)
    ]
    return HChart(width, len(rows) * (bar_height + gap), left, bar_height, bars)
