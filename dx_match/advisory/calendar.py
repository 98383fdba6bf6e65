"""PURE: an advisor's deadlines from plain facts about set items, grouped by month.

Entries are subsidy windows closing (for subsidy items not yet applied for, and for tool items
whose tool is registered for a subsidy), outcome reports due 3 and 12 months after adoption
(reviews.outcomes' date logic), stage dates in the future, and planned contract dates (with a
warning when a grant decision must come first). No Flask, no database: tested as data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dx_match.advisory import stages
from dx_match.reviews.outcomes import MILESTONES, add_months

#: Stages after which a subsidy window no longer matters to the item.
PAST_APPLYING = ("applied", "adopted", "reported")
KINDS = ("closes", "outcome", "stage", "contract")


@dataclass(frozen=True)
class Window:
    """A subsidy that matters to an item, and where the client stands with it."""

    slug: str
    name: Any  # {language: text}
    closes: date | None
    contract_after_grant: bool = False
    #: Whether the client pursues it (a subsidy item of its sent sets, not "not relevant").
    pursued: bool = False
    #: The client's grant decision for it (its subsidy item's "adopted" date), if any.
    granted_on: date | None = None


@dataclass(frozen=True)
class ItemFacts:
    """One item of a sent set, as the calendar needs it."""

    client_id: int
    client_name: str
    set_id: int
    item_id: int
    kind: str
    name: Any  # {language: text}
    stage: str | None = None
    stage_dates: dict[str, str] = field(default_factory=dict)
    response: str | None = None
    contract_planned_on: date | None = None
    #: For a subsidy item its own subsidy; for a tool item the subsidies it is registered for.
    windows: tuple[Window, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One dated line of the calendar."""

    day: date
    kind: str  # one of KINDS
    item: ItemFacts
    overdue: bool
    #: The subsidy whose window closes ("closes"), else None.
    window: Window | None = None
    #: Months after adoption ("outcome"), else None.
    milestone: int | None = None
    #: The stage planned on that day ("stage"), else None.
    stage: str | None = None
    #: A contract planned before a grant decision it must wait for ("contract").
    warning: bool = False

    @property
    def uid(self) -> str:
        """Stable across exports, so calendar apps update an entry instead of duplicating it."""
        detail = self.window.slug if self.window else self.milestone or self.stage or ""
        return f"{self.kind}-{self.item.item_id}-{detail}-{self.day.isoformat()}"


def contract_warning(item: ItemFacts) -> bool:
    """Whether the item's planned contract comes before a grant decision it must wait for."""
    grants = [w.granted_on for w in item.windows if w.contract_after_grant and w.pursued]
    return stages.contract_too_early(item.contract_planned_on, grants)


def _closing(item: ItemFacts, today: date) -> list[Entry]:
    if item.response == "not_relevant" or item.stage in PAST_APPLYING:
        return []
    return [
        Entry(w.closes, "closes", item, w.closes < today, window=w)
        for w in item.windows
        if w.closes is not None
    ]


def _outcomes(item: ItemFacts, today: date) -> list[Entry]:
    adopted = item.stage_dates.get("adopted")
    if not adopted or item.stage not in ("adopted", "reported"):
        return []
    reported = item.stage_dates.get("reported")
    found = []
    for months in MILESTONES:
        due = add_months(date.fromisoformat(adopted), months)
        if reported and date.fromisoformat(reported) >= due:
            continue  # this milestone's report is in
        found.append(Entry(due, "outcome", item, due < today, milestone=months))
    return found


def _planned(item: ItemFacts, today: date) -> list[Entry]:
    found = [
        Entry(date.fromisoformat(on), "stage", item, False, stage=stage)
        for stage, on in item.stage_dates.items()
        if stage in stages.STAGES and date.fromisoformat(on) > today
    ]
    if item.contract_planned_on is not None:
        found.append(
            Entry(
                item.contract_planned_on,
                "contract",
                item,
                False,
                warning=contract_warning(item),
            )
        )
    return found


def entries(items: Iterable[ItemFacts], today: date) -> list[Entry]:
    """Every dated entry of the items, by day, then client, then item."""
    found: list[Entry] = []
    for item in items:
        found += _closing(item, today) + _outcomes(item, today) + _planned(item, today)
    return sorted(
        found, key=lambda e: (e.day, e.item.client_name, e.item.item_id, KINDS.index(e.kind))
    )


def by_month(found: list[Entry]) -> list[tuple[date, list[Entry]]]:
    """The sorted entries grouped under the first day of their month."""
    groups: list[tuple[date, list[Entry]]] = []
    for entry in found:
        month = entry.day.replace(day=1)
        if not groups or groups[-1][0] != month:
            groups.append((month, []))
        groups[-1][1].append(entry)
    return groups


#: Days before a subsidy window closes at which the advisor is reminded (largest first).
LEAD_DAYS = (14, 3)


@dataclass(frozen=True)
class Due:
    """A reminder that is due: sent once per (advisor, item, kind, due date)."""

    item: ItemFacts
    kind: str  # "closes_14", "closes_3", "outcome_3", "outcome_12"
    due_on: date
    window: Window | None = None


def due_reminders(items: Iterable[ItemFacts], today: date) -> list[Due]:
    """The reminders due on `today`: a subsidy item not applied for whose window closes within
    a lead time (the shortest lead that fits, so a missed run still sends one), and outcome
    reports whose day has come."""
    found: list[Due] = []
    for item in items:
        if item.kind == "subsidy":
            for entry in _closing(item, today):
                days = (entry.day - today).days
                leads = [n for n in LEAD_DAYS if 0 <= days <= n]
                if leads:
                    found.append(Due(item, f"closes_{min(leads)}", entry.day, entry.window))
        for entry in _outcomes(item, today):
            if entry.day <= today:
                found.append(Due(item, f"outcome_{entry.milestone}", entry.day))
    return found
