"""An advisor's outcome numbers: clients, sets sent, answers, adoptions, subsidies obtained.

The subsidy amount obtained is the sum of the *estimated* amounts frozen in the sets'
snapshots for subsidy items that reached `applied` or later: the granted amount is not
recorded, and the page says so. Amounts are summed per currency, never converted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from dx_match.accounts.models import User
from dx_match.advisory.models import AdvisorClient, RecommendationSet
from dx_match.extensions import db
from dx_match.inquiries.stats import Chart, bar_chart

MONTHS = 12
#: Subsidy stages that count as obtained (applied for, granted, reported on).
OBTAINED = ("applied", "adopted", "reported")
ADOPTED = ("adopted", "reported")


def month_starts(today: date, months: int = MONTHS) -> list[date]:
    """The first days of the last `months` months, oldest first, this month last."""
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


@dataclass
class Month:
    """One month's counts."""

    start: date
    sets_sent: int = 0
    answers: int = 0
    adopted: int = 0
    obtained: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Outcomes:
    """One advisor's numbers, overall and per month."""

    advisor: User
    clients: int = 0
    sets_sent: int = 0
    items_sent: int = 0
    answered: int = 0
    adopted: int = 0
    obtained: dict[str, Decimal] = field(default_factory=dict)
    months: list[Month] = field(default_factory=list)

    @property
    def response_rate(self) -> float | None:
        """Answered items of sent sets / items of sent sets (None when nothing was sent)."""
        return self.answered / self.items_sent if self.items_sent else None


def _day(value: datetime | str | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(value)


def outcomes_of(advisor: User, today: date) -> Outcomes:
    """The numbers of one advisor's own clients and sets."""
    clients = db.session.scalars(
        sa.select(AdvisorClient)
        .where(AdvisorClient.advisor_id == advisor.id)
        .options(selectinload(AdvisorClient.sets).selectinload(RecommendationSet.items))
    ).all()
    result = Outcomes(advisor, clients=len(clients))
    result.months = [Month(start) for start in month_starts(today)]
    by_month = {m.start: m for m in result.months}

    def month(value: datetime | str | None) -> Month | None:
        day = _day(value)
        return by_month.get(day.replace(day=1)) if day else None

    for client in clients:
        for row in client.sets:
            if row.state != "sent":
                continue
            result.sets_sent += 1
            if m := month(row.sent_at):
                m.sets_sent += 1
            for item in row.items:
                result.items_sent += 1
                if item.response is not None:
                    result.answered += 1
                    if m := month(item.responded_at):
                        m.answers += 1
                if item.stage in ADOPTED:
                    result.adopted += 1
                    if m := month(item.stage_dates.get("adopted")):
                        m.adopted += 1
                amount = item.snapshot.get("estimated_amount")
                if item.item_kind == "subsidy" and item.stage in OBTAINED and amount:
                    currency = str(item.snapshot.get("currency") or row.currency)
                    value = Decimal(str(amount))
                    result.obtained[currency] = result.obtained.get(currency, Decimal(0)) + value
                    # The month it was obtained: the first obtaining stage it has a date for.
                    when = next(
                        (item.stage_dates[s] for s in OBTAINED if s in item.stage_dates), None
                    )
                    if m := month(when):
                        m.obtained[currency] = m.obtained.get(currency, Decimal(0)) + value
    return result


def all_advisors(today: date) -> list[Outcomes]:
    """Every advisor's numbers (the admin overview), by name."""
    advisors = db.session.scalars(
        sa.select(User).where(User.role == "advisor").order_by(User.display_name, User.email)
    ).all()
    return [outcomes_of(a, today) for a in advisors]


def chart(result: Outcomes) -> Chart:
    """Sets sent (series 0) and items adopted (series 1) per month, as bar geometry."""
    starts = [m.start for m in result.months]
    geometry = bar_chart(
        [[m.sets_sent for m in result.months], [m.adopted for m in result.months]],
        starts,
        label_every=2,
    )
    # bar_chart labels weeks by day; months read better as year-month.
    labels = [
        (starts[n].strftime("%Y-%m"), x)
        for n, (_label, x) in zip(range(0, len(starts), 2), geometry.labels, strict=True)
    ]
    return replace(geometry, labels=labels)
