"""Pure: what an outcome report asks, per business function, and when it is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

#: Months after adoption at which a report is asked for.
MILESTONES = (3, 12)


@dataclass(frozen=True)
class Measure:
    """A function-specific number an adopter can report (per month unless the label says)."""

    key: str
    label: object  # a lazy translated string
    higher_is_better: bool = True


#: A few measures per function group code (catalog/taxonomy.yaml), asked of tools in that group.
MEASURES: dict[str, tuple[Measure, ...]] = {
    "finance": (
        Measure("invoices_per_hour", _l("Invoices issued per hour")),
        Measure("days_to_close", _l("Days to close the month's books"), higher_is_better=False),
    ),
    "supply": (
        Measure("stockouts_per_month", _l("Stock-outs per month"), higher_is_better=False),
        Measure("order_errors_per_month", _l("Order errors per month"), higher_is_better=False),
    ),
    "sales": (
        Measure("new_customers_per_month", _l("New customers per month")),
        Measure("no_shows_per_month", _l("No-shows per month"), higher_is_better=False),
    ),
    "hr": (
        Measure("payroll_hours_per_month", _l("Hours spent on payroll per month"), False),
        Measure("timesheet_errors_per_month", _l("Time-sheet errors per month"), False),
    ),
    "ops": (
        Measure("documents_found_minutes", _l("Minutes to find a document"), False),
        Measure("tasks_automated", _l("Tasks automated")),
    ),
}


def measures_for(functions: tuple[str, ...] | list[str]) -> list[Measure]:
    """The measures a tool's functions call for, in the order of its functions, each once."""
    seen: dict[str, Measure] = {}
    for code in functions:
        for measure in MEASURES.get(code.split(".")[0], ()):
            seen.setdefault(measure.key, measure)
    return list(seen.values())


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def due_milestones(since: date, today: date) -> list[int]:
    """The milestones whose time has come for an adoption since `since`."""
    return [m for m in MILESTONES if add_months(since, m) <= today]
