"""Pure: the geometry of the maturity radar chart (five axes, levels 0-4) as SVG coordinates."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_LEVEL = 4
SIZE = 320
CENTRE = SIZE / 2
RADIUS = 110
LABEL_RADIUS = RADIUS + 22


@dataclass(frozen=True)
class Axis:
    """One spoke: its group code, the end point and where its label goes."""

    group: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


def _point(index: int, count: int, radius: float) -> tuple[float, float]:
    # The first axis points straight up; the others follow clockwise.
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return (
        round(CENTRE + radius * math.cos(angle), 1),
        round(CENTRE + radius * math.sin(angle), 1),
    )


def axes(groups: Sequence[str]) -> list[Axis]:
    """The spokes of the chart, one per group."""
    out = []
    for i, group in enumerate(groups):
        x, y = _point(i, len(groups), RADIUS)
        lx, ly = _point(i, len(groups), LABEL_RADIUS)
        anchor = "middle" if abs(lx - CENTRE) < 1 else ("start" if lx > CENTRE else "end")
        out.append(Axis(group, x, y, lx, ly, anchor))
    return out


def polygon(groups: Sequence[str], levels: Mapping[str, float], scale: float = 1.0) -> str:
    """The `points` of a polygon for levels by group (missing groups at 0)."""
    points = []
    for i, group in enumerate(groups):
        level = min(max(float(levels.get(group, 0)), 0.0), MAX_LEVEL)
        x, y = _point(i, len(groups), RADIUS * scale * level / MAX_LEVEL)
        points.append(f"{x:g},{y:g}")
    return " ".join(points)


def rings(groups: Sequence[str]) -> list[str]:
    """The grid: one polygon per level 1..4."""
    full = dict.fromkeys(groups, MAX_LEVEL)
    return [polygon(groups, full, level / MAX_LEVEL) for level in range(1, MAX_LEVEL + 1)]


def average(profiles: Sequence[Mapping[str, int]], groups: Sequence[str]) -> dict[str, float]:
    """The mean level per group over the profiles that answered it."""
    out = {}
    for group in groups:
        values = [p[group] for p in profiles if group in p]
        if values:
            out[group] = round(sum(values) / len(values), 1)
    return out
