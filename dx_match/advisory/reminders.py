"""`dx-match advisory remind`: mail advisors before clients' subsidy windows close and when
outcome reports are due. Idempotent: each (advisor, item, kind, due date) is sent once."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale

from dx_match.accounts.models import User
from dx_match.advisory import calendar, deadlines
from dx_match.advisory.models import AdvisorClient, SentReminder
from dx_match.extensions import db
from dx_match.i18n import BABEL_LOCALES
from dx_match.notify import kinds
from dx_match.notify.inapp import notify, wants_email
from dx_match.notify.services import queue_mail


def _notification(due: calendar.Due) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"client": due.item.client_name, "day": due.due_on.isoformat()}
    if due.window is not None:
        return "advisory_window_closing", params | {"subsidy": due.window.name}
    return "advisory_outcome_due", params | {"item": due.item.name}


def _already_sent(advisor_id: int, due: calendar.Due) -> bool:
    return (
        db.session.scalar(
            sa.select(SentReminder.id).where(
                SentReminder.advisor_id == advisor_id,
                SentReminder.item_id == due.item.item_id,
                SentReminder.kind == due.kind,
                SentReminder.due_on == due.due_on,
            )
        )
        is not None
    )


def _send(advisor: User, due: calendar.Due, home: str) -> None:
    kind, params = _notification(due)
    link = f"/advisor/sets/{due.item.set_id}#item-{due.item.item_id}"
    db.session.add(
        SentReminder(
            advisor_id=advisor.id, item_id=due.item.item_id, kind=due.kind, due_on=due.due_on
        )
    )
    notify(advisor.id, kind, params, link, mail=False)
    if wants_email(advisor, kind):
        with force_locale(BABEL_LOCALES.get(advisor.locale, "en")):
            text = kinds.render(kind, params, advisor.locale)
        queue_mail(
            advisor.email,
            "notification",
            text[:300],
            advisor.locale,
            recipient=advisor,
            text=text,
            link=home + link,
        )


def remind(today: date, home: str) -> int:
    """Send every due reminder not sent yet; the number sent. `home`: the site's base URL."""
    advisor_ids = db.session.scalars(
        sa.select(AdvisorClient.advisor_id)
        .where(AdvisorClient.revoked_at.is_(None))
        .distinct()
        .order_by(AdvisorClient.advisor_id)
    ).all()
    sent = 0
    for advisor_id in advisor_ids:
        advisor = db.session.get(User, advisor_id)
        if advisor is None or not advisor.active:
            continue
        facts = deadlines.facts_for(deadlines.own_active_clients(advisor_id))
        for due in calendar.due_reminders(facts, today):
            if not _already_sent(advisor_id, due):
                _send(advisor, due, home.rstrip("/"))
                sent += 1
        db.session.commit()
    return sent
