"""Pure: ratings and outcome figures per tool, per industry and per size band.

A group (all adopters, one ISIC section, one size band, or both) is shown only when at least
MIN_ORGANISATIONS distinct organisations are in it, so no figure can be traced to one company;
groups are computed independently, so no combination of them shows a smaller one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median

MIN_ORGANISATIONS = 5
#: Staff size bands (lower bound, label); a company's band is the last whose bound it reaches.
SIZE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "1-9"),
    (10, "10-29"),
    (30, "30-99"),
    (100, "100-299"),
    (300, "300+"),
)


def size_band(employees: int | None) -> str:
    """The size band of a head count ('' when unknown)."""
    if employees is None or employees < 0:
        return ""
    band = ""
    for bound, label in SIZE_BANDS:
        if employees >= bound:
            band = label
    return band


@dataclass(frozen=True)
class Observation:
    """One organisation's numbers about one tool, with its industry section and size band."""

    organisation_id: int
    industry_section: str
    size_band: str
    values: dict[str, float]


@dataclass(frozen=True)
class GroupKey:
    """Which adopters a group holds: None means any."""

    section: str | None = None
    band: str | None = None


@dataclass(frozen=True)
class Group:
    """Figures of one group with at least MIN_ORGANISATIONS organisations."""

    key: GroupKey
    organisations: int
    medians: dict[str, float]
    means: dict[str, float]


def _keys(obs: Observation) -> list[GroupKey]:
    keys = [GroupKey()]
    if obs.industry_section:
        keys.append(GroupKey(section=obs.industry_section))
    if obs.size_band:
        keys.append(GroupKey(band=obs.size_band))
    if obs.industry_section and obs.size_band:
        keys.append(GroupKey(obs.industry_section, obs.size_band))
    return keys


def groups(observations: Iterable[Observation]) -> dict[GroupKey, Group]:
    """Every group with at least MIN_ORGANISATIONS distinct organisations, by key.

    An organisation appearing twice (say two outcome reports) counts once, by its last row.
    """
    latest: dict[int, Observation] = {}
    for obs in observations:
        latest[obs.organisation_id] = obs
    members: dict[GroupKey, list[Observation]] = defaultdict(list)
    for obs in latest.values():
        for key in _keys(obs):
            members[key].append(obs)
    result: dict[GroupKey, Group] = {}
    for key, rows in members.items():
        if len(rows) < MIN_ORGANISATIONS:
            continue
        names = sorted({name for row in rows for name in row.values})
        medians: dict[str, float] = {}
        means: dict[str, float] = {}
        for name in names:
            values = [row.values[name] for row in rows if name in row.values]
            if len(values) >= MIN_ORGANISATIONS:
                medians[name] = float(median(values))
                means[name] = sum(values) / len(values)
        result[key] = Group(key, len(rows), medians, means)
    return result


@dataclass(frozen=True)
class RatingSummary:
    """A tool's visible ratings: count, averages, the overall distribution, group averages."""

    count: int = 0
    averages: dict[str, float] = field(default_factory=dict)
    distribution: dict[int, int] = field(default_factory=dict)
    by_section: dict[str, Group] = field(default_factory=dict)
    by_band: dict[str, Group] = field(default_factory=dict)

    @property
    def overall(self) -> float | None:
        """The average overall rating (None without reviews)."""
        return self.averages.get("overall")


def rating_summary(observations: Sequence[Observation]) -> RatingSummary:
    """Averages over every visible review; per section and band only from groups of 5 or more."""
    if not observations:
        return RatingSummary()
    names = sorted({name for row in observations for name in row.values})
    averages = {}
    for name in names:
        values = [row.values[name] for row in observations if name in row.values]
        if values:
            averages[name] = sum(values) / len(values)
    distribution = dict.fromkeys(range(5, 0, -1), 0)
    for row in observations:
        distribution[int(row.values["overall"])] += 1
    found = groups(observations)
    return RatingSummary(
        count=len(observations),
        averages=averages,
        distribution=distribution,
        by_section={k.section: g for k, g in found.items() if k.section and k.band is None},
        by_band={k.band: g for k, g in found.items() if k.band and k.section is None},
    )
