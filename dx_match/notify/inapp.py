"""In-app notifications: the bell in the header and the /notifications page.

The API for other features is two functions:

    from dx_match.notify.inapp import notify, wants_email

    notify(user.id, "listing_approved", {"slug": slug}, "/tools/" + slug)
    db.session.commit()   # the caller's commit writes the notification with its change

- `notify(user_id, kind, params, link, *, mail=True)` adds one `Notification` row to the
  session (no commit inside: a rolled-back change notifies nobody). `kind` must be in
  `notify.kinds.KINDS` (add yours there: a lazy %-format string, a label for the e-mail
  preferences form, whether it mails by default). `params` are JSON values for the format
  string; a `{language: text}` map (a listing's name) is shown in the reader's language. The
  text is rendered when shown, so it follows the reader's language. `link` must be a path on
  this site ("/inbox/3"), else ValueError. With `mail=True` the user also gets a short generic
  mail through the outbox when `wants_email(user, kind)`.
- A feature that sends its own, richer mail passes `mail=False` and asks
  `wants_email(user, kind)` before calling `queue_mail`.

- When your feature's own "read" action covers its notifications, call
  `mark_read_by_link(user_id, link)` in that transaction (inquiries do, on reply/close/read).

Marking read and pruning are below (`mark_read`, `mark_all_read`, `prune`); the page and the
bell are `notify/views.py`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import url_for

from dx_match.accounts.models import User
from dx_match.db import utcnow
from dx_match.errors import NotFound
from dx_match.extensions import db
from dx_match.notify import kinds
from dx_match.notify.models import Notification, NotificationPreference
from dx_match.notify.services import queue_mail
from dx_match.security import safe_next


def local_link(link: str) -> str:
    """`link` if it is a path on this site; ValueError otherwise (no links elsewhere)."""
    path = safe_next(link)
    if path is None or len(path) > 500:
        raise ValueError(f"a notification links to a path on this site, not {link!r}")
    return path


def notify(
    user_id: int, kind: str, params: dict[str, Any], link: str, *, mail: bool = True
) -> Notification:
    """Add a notification for `user_id` to the session (the caller commits); see the module doc."""
    if kind not in kinds.KINDS:
        raise ValueError(f"unknown notification kind {kind!r}: add it to notify.kinds.KINDS")
    row = Notification(user_id=user_id, kind=kind, params=dict(params), link=local_link(link))
    db.session.add(row)
    if mail:
        user = db.session.get(User, user_id)
        if user is not None and wants_email(user, kind):
            _queue_generic_mail(user, row)
    return row


def _queue_generic_mail(user: User, row: Notification) -> None:
    home = url_for("catalog.home", _external=True).rstrip("/")
    text = kinds.render(row.kind, row.params, user.locale)
    queue_mail(
        user.email,
        "notification",
        text[:300],
        user.locale,
        recipient=user,
        text=text,
        link=home + row.link,
    )


def email_choices(user: User) -> dict[str, bool]:
    """For each kind: does `user` get it by e-mail too (their choice, else the kind's default)."""
    rows = db.session.scalars(
        sa.select(NotificationPreference).where(NotificationPreference.user_id == user.id)
    )
    chosen = {row.kind: row.email for row in rows}
    return {kind: chosen.get(kind, spec.email_default) for kind, spec in kinds.KINDS.items()}


def wants_email(user: User, kind: str) -> bool:
    """Whether `user` gets `kind` by e-mail as well as in the app (active accounts only)."""
    if not user.active or kind not in kinds.KINDS:
        return False
    choice = db.session.get(NotificationPreference, (user.id, kind))
    return choice.email if choice is not None else kinds.KINDS[kind].email_default


def set_email_choices(user: User, wanted: set[str]) -> None:
    """Store the e-mail choice for every kind (on = in `wanted`); unknown kinds are ignored."""
    for kind in kinds.KINDS:
        choice = db.session.get(NotificationPreference, (user.id, kind))
        if choice is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, email=kind in wanted))
        else:
            choice.email = kind in wanted
    db.session.commit()


def _own(user: User, notification_id: int) -> Notification:
    row = db.session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        raise NotFound("notification")  # someone else's answers like a missing one
    return row


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (NotFound for anyone else's)."""
    row = _own(user, notification_id)
    if row.read_at is None:
        row.read_at = utcnow()
    db.session.commit()
    return row


def mark_read_by_link(user_id: int, link: str) -> None:
    """Mark the user's unread notifications pointing at `link` read (no commit: the caller's).

    For features whose own "read" action covers the notification (an inquiry thread).
    """
    db.session.execute(
        sa.update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.link == link,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read; how many there were."""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def prune(days: int, now: datetime | None = None) -> int:
    """Delete notifications read more than `days` days ago; how many. Unread ones are kept."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = db.session.execute(
        sa.delete(Notification).where(
            Notification.read_at.is_not(None), Notification.read_at < cutoff
        )
    )
    db.session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
