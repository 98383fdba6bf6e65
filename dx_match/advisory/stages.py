"""PURE: the follow-up stages of a set item and which moves between them are allowed.

Tools and courses go interested -> adopted -> reported; subsidies go interested -> applied ->
adopted (granted) -> reported. Each stage carries a date, never before the previous stage's
date and never in the future. No Flask, no database: the rules are tested as tables.
"""

from __future__ import annotations

from datetime import date

STAGES = ("interested", "applied", "adopted", "reported")
#: The stages an item of each kind passes through, in order.
PATHS: dict[str, tuple[str, ...]] = {
    "tool": ("interested", "adopted", "reported"),
    "course": ("interested", "adopted", "reported"),
    "subsidy": ("interested", "applied", "adopted", "reported"),
}


class StageRefused(ValueError):
    """A move the rules do not allow; the message says why (a code the view words)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def next_stages(kind: str, current: str | None) -> tuple[str, ...]:
    """The stages an item may move to from `current` (forward only, one or more steps)."""
    path = PATHS[kind]
    if current is None:
        return path
    return path[path.index(current) + 1 :] if current in path else ()


def check_move(
    kind: str, current: str | None, target: str, *, on: date, dates: dict[str, str], today: date
) -> None:
    """Raise StageRefused unless `current` -> `target` on date `on` is allowed."""
    if kind not in PATHS or target not in PATHS[kind]:
        raise StageRefused("unknown_stage")
    if target not in next_stages(kind, current):
        raise StageRefused("not_forward")
    if on > today:
        raise StageRefused("future_date")
    earlier = [date.fromisoformat(d) for s, d in dates.items() if s in PATHS[kind]]
    if earlier and on < max(earlier):
        raise StageRefused("before_previous")


def move(
    kind: str, current: str | None, target: str, *, on: date, dates: dict[str, str], today: date
) -> dict[str, str]:
    """The new stage dates after a checked move (a skipped stage gets no date)."""
    check_move(kind, current, target, on=on, dates=dates, today=today)
    return {**dates, target: on.isoformat()}


def grant_decided_on(dates: dict[str, str]) -> date | None:
    """A subsidy item's grant decision (交付決定): the date it reached "adopted" (granted)."""
    value = dates.get("adopted")
    return date.fromisoformat(value) if value else None


def contract_too_early(planned: date | None, grants: list[date | None]) -> bool:
    """Whether a contract planned on `planned` comes before a grant decision it must wait for.

    `grants` holds the decision date (None: not decided yet) of each subsidy that funds the
    tool and allows contracts only after its decision. Signing on the decision day is fine.
    """
    if planned is None:
        return False
    return any(granted is None or planned < granted for granted in grants)
