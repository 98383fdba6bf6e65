"""Outcome reports: asking adopters 3 and 12 months in, and saving what they report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from dx_match.accounts.models import User
from dx_match.accounts.services import FieldProblem
from dx_match.db import utcnow
from dx_match.errors import NotFound
from dx_match.extensions import db
from dx_match.i18n import localized
from dx_match.notify.services import queue_mail
from dx_match.reviews import profiles
from dx_match.reviews.models import Adoption, OutcomeReport
from dx_match.reviews.outcomes import MILESTONES, add_months, measures_for
from dx_match.search.models import SearchOutbox

MAX_HOURS = Decimal(1000)
MAX_MEASURE = 1_000_000.0

#: Who else is asked for an organisation's outcome report besides its SME members: the advisor
#: workspace appends a function here (adoption -> advisors following that client).
EXTRA_RECIPIENTS: list[Callable[[Adoption], list[User]]] = []


@dataclass(frozen=True)
class OutcomeInput:
    """What the outcome form sends, as typed (numbers are parsed here)."""

    hours_saved: str
    monthly_cost: str
    currency: str
    still_using: bool | None
    measures: dict[str, str] = field(default_factory=dict)


def may_report(actor: User | None, adoption: Adoption) -> bool:
    """SME members of the adopting organisation (the advisor hook adds its own check later)."""
    return (
        actor is not None
        and actor.active
        and actor.role == "sme"
        and actor.organisation_id == adoption.organisation_id
    )


def reportable(
    actor: User | None, adoption_id: int, milestone: int, today: date
) -> tuple[Adoption, OutcomeReport | None]:
    """The confirmed adoption and its report for a due milestone; NotFound for anyone else."""
    adoption = db.session.get(Adoption, adoption_id)
    if adoption is None or not may_report(actor, adoption) or milestone not in MILESTONES:
        raise NotFound("adoption")
    if adoption.confirmed_at is None or add_months(adoption.since, milestone) > today:
        raise NotFound("outcome report not due")
    report = db.session.scalar(
        sa.select(OutcomeReport).where(
            OutcomeReport.adoption_id == adoption.id, OutcomeReport.milestone == milestone
        )
    )
    return adoption, report


def _number(text: str, name: str, high: float) -> Decimal:
    try:
        value = Decimal((text or "").strip().replace(",", ""))
    except InvalidOperation:
        raise FieldProblem(name, _l("Give a number.")) from None
    if not value.is_finite() or value < 0 or value > Decimal(high):
        raise FieldProblem(name, _l("Give a number from 0 to %(high)s.", high=int(high)))
    return value


def save_report(
    actor: User | None,
    adoption_id: int,
    milestone: int,
    data: OutcomeInput,
    *,
    today: date,
    rates: dict[str, Decimal],
) -> OutcomeReport:
    """Save (or correct) the milestone's report; one per adoption and milestone."""
    adoption, report = reportable(actor, adoption_id, milestone, today)
    assert actor is not None
    hours = _number(data.hours_saved, "hours_saved", float(MAX_HOURS))
    cost = _number(data.monthly_cost, "monthly_cost", 1e9)
    currency = (data.currency or "").upper()
    if currency not in rates:
        raise FieldProblem("currency", _l("Choose one of the listed currencies."))
    if data.still_using is None:
        raise FieldProblem("still_using", _l("Say whether you still use the tool."))
    measures: dict[str, float] = {}
    for measure in measures_for(list(adoption.tool.functions)):
        text = (data.measures.get(measure.key) or "").strip()
        if text:
            measures[measure.key] = float(_number(text, f"m_{measure.key}", MAX_MEASURE))
    if report is None:
        report = OutcomeReport(
            adoption=adoption,
            organisation_id=adoption.organisation_id,
            tool_id=adoption.tool_id,
            milestone=milestone,
        )
        db.session.add(report)
    report.hours_saved = hours.quantize(Decimal("0.1"))
    report.monthly_cost = cost.quantize(Decimal("0.01"))
    report.currency = currency
    report.still_using = data.still_using
    report.measures = measures
    report.author_id = actor.id
    report.industry_section, report.size_band = profiles.facts(adoption.organisation_id)
    # Outcome medians feed the recommender, whose catalog arrays follow the index generation.
    db.session.add(SearchOutbox(tool_id=adoption.tool_id))
    db.session.commit()
    return report


def due_for(adoption: Adoption, today: date) -> list[tuple[int, bool]]:
    """(milestone, already reported) for each milestone due for a confirmed adoption."""
    if adoption.confirmed_at is None:
        return []
    reported = set(
        db.session.scalars(
            sa.select(OutcomeReport.milestone).where(OutcomeReport.adoption_id == adoption.id)
        )
    )
    return [(m, m in reported) for m in MILESTONES if add_months(adoption.since, m) <= today]


def _recipients(adoption: Adoption) -> list[User]:
    members = [
        user
        for user in adoption.organisation.members
        if user.active and user.role == "sme" and user.email_confirmed_at is not None
    ]
    for extra in EXTRA_RECIPIENTS:
        members.extend(extra(adoption))
    return members


def remind(today: date) -> int:
    """Mail every due, unasked milestone of confirmed adoptions; returns how many were asked.

    Idempotent: each milestone is marked when asked, in the same commit as its mail, so running
    it daily (or twice a day) asks once. A milestone already reported is marked without mail.
    """
    asked = 0
    adoptions = db.session.scalars(
        sa.select(Adoption)
        .where(
            Adoption.confirmed_at.is_not(None),
            sa.or_(Adoption.reminded_3_at.is_(None), Adoption.reminded_12_at.is_(None)),
        )
        .order_by(Adoption.id)
    )
    for adoption in list(adoptions):
        reported = set(
            db.session.scalars(
                sa.select(OutcomeReport.milestone).where(OutcomeReport.adoption_id == adoption.id)
            )
        )
        for milestone in MILESTONES:
            column = f"reminded_{milestone}_at"
            if (
                getattr(adoption, column) is not None
                or add_months(adoption.since, milestone) > today
            ):
                continue
            setattr(adoption, column, utcnow())
            if milestone in reported:
                continue
            link = url_for(
                "reviews.outcome_form",
                adoption_id=adoption.id,
                milestone=milestone,
                _external=True,
            )
            for user in _recipients(adoption):
                queue_mail(
                    user.email,
                    "outcome_reminder",
                    _l(
                        "%(months)s months with %(tool)s: how is it going?",
                        months=milestone,
                        tool=localized(adoption.tool.name, user.locale),
                    ),
                    user.locale,
                    tool=localized(adoption.tool.name, user.locale),
                    months=milestone,
                    link=link,
                )
            asked += 1
    db.session.commit()
    return asked
