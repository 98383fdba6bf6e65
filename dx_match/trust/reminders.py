"""Mail vendors about their listings not verified for 12 months (once per listing per 30 days)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from dx_match.accounts.models import Organisation, User
from dx_match.catalog.models import Tool
from dx_match.extensions import db
from dx_match.notify.services import queue_mail
from dx_match.trust.freshness import REMIND_EVERY, stale_before
from dx_match.trust.models import StaleReminder


@dataclass
class RemindReport:
    """How many listings were due and how many mails were queued."""

    listings: int = 0
    mails: int = 0

    def __str__(self) -> str:
        return f"{self.listings} stale listings reminded, {self.mails} mails queued"


def due_tools(today: date) -> list[Tool]:
    """Published stale tools with no reminder in the last 30 days, by slug."""
    recent = sa.select(StaleReminder.tool_id).where(StaleReminder.sent_on > today - REMIND_EVERY)
    query = (
        sa.select(Tool)
        .where(
            Tool.status == "published",
            sa.or_(Tool.verified_at.is_(None), Tool.verified_at < stale_before(today)),
            Tool.id.not_in(recent),
        )
        .order_by(Tool.slug)
    )
    return list(db.session.scalars(query))


def remind_stale(today: date) -> RemindReport:
    """Queue one mail per vendor user listing their due tools; remember each tool (one commit).

    A tool whose vendor has no account yet is skipped and not remembered: it is reminded once
    someone claims the vendor.
    """
    report = RemindReport()
    tools = due_tools(today)
    vendor_ids = {t.vendor_id for t in tools}
    users = db.session.scalars(
        sa.select(User)
        .join(Organisation, User.organisation_id == Organisation.id)
        .where(
            Organisation.vendor_id.in_(vendor_ids),
            User.role == "vendor",
            User.active.is_(True),
            User.email_confirmed_at.is_not(None),
        )
        .order_by(User.email)
    )
    by_vendor: dict[int, list[User]] = defaultdict(list)
    for user in users:
        assert user.organisation is not None and user.organisation.vendor_id is not None
        by_vendor[user.organisation.vendor_id].append(user)
    for vendor_id, members in by_vendor.items():
        listed = [t for t in tools if t.vendor_id == vendor_id]
        for user in members:
            queue_mail(
                user.email,
                "stale_reminder",
                _l("Please confirm your listings' prices"),
                user.locale,
                user=user,
                tools=listed,
            )
            report.mails += 1
        for tool in listed:
            db.session.add(StaleReminder(tool_id=tool.id, sent_on=today, recipients=len(members)))
            report.listings += 1
    db.session.commit()
    return report
