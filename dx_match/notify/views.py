"""The notifications page, its POST actions, the e-mail preferences and the header's bell.

Every change is a POST with a CSRF token. Following a notification is a POST too (a button
that marks it read and redirects to its link), since GET never changes state.
"""

from __future__ import annotations

import math

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from dx_match.accounts.models import User
from dx_match.accounts.permissions import current_account, login_required
from dx_match.extensions import db
from dx_match.notify import inapp, kinds
from dx_match.notify.models import Notification

bp = Blueprint("notify", __name__)

PER_PAGE = 20
CACHE_KEY = "dx_match.notifications_unread"


def _actor() -> User:
    user = current_account()
    assert user is not None  # login_required
    return user


def unread_count(user: User) -> int:
    """The user's unread notifications (one COUNT over ix_notifications_user_unread)."""
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


@bp.get("/notifications")
@login_required
def index() -> ResponseReturnValue:
    """The user's notifications, newest first, 20 a page, unread ones marked."""
    user = _actor()
    total = int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id)
        )
        or 0
    )
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    rows = db.session.scalars(
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return render_template(
        "notifications/index.html",
        notifications=rows,
        page=page,
        pages=pages,
        unread=notifications_unread(),
    )


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_link(notification_id: int) -> ResponseReturnValue:
    """Mark the notification read and go where it points."""
    row = inapp.mark_read(_actor(), notification_id)
    return redirect(row.link, 303)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int) -> ResponseReturnValue:
    """Mark one notification read and come back to the list."""
    inapp.mark_read(_actor(), notification_id)
    return redirect(url_for("notify.index", page=request.args.get("page", type=int)), 303)


@bp.post("/notifications/read")
@login_required
def mark_all_read() -> ResponseReturnValue:
    """Mark all of the user's notifications read."""
    inapp.mark_all_read(_actor())
    flash(_("All notifications are marked read."), "success")
    return redirect(url_for("notify.index"), 303)


@bp.post("/notifications/email")
@login_required
def email_preferences() -> ResponseReturnValue:
    """Save which kinds of notification also come by e-mail (the form on the account page)."""
    inapp.set_email_choices(_actor(), set(request.form.getlist("email")))
    flash(_("Your e-mail notification choices are saved."), "success")
    return redirect(url_for("accounts.settings") + "#notifications-heading", 303)


@bp.app_template_global()
def notifications_unread() -> int:
    """The number on the bell in the header, counted once per request (0 if it cannot be)."""
    # Cached on the request, not in `g`: an app context may outlive one request.
    cache = request.environ
    if CACHE_KEY not in cache:
        user = current_account()
        try:
            cache[CACHE_KEY] = unread_count(user) if user is not None else 0
        except Exception:  # the header must render even if this count fails
            cache[CACHE_KEY] = 0
    return int(cache[CACHE_KEY])


@bp.app_template_global()
def notification_text(row: Notification, lang: str | None = None) -> str:
    """A notification's text in `lang` (default: the page's language)."""
    return kinds.render(row.kind, row.params, lang)


@bp.app_template_global()
def notification_email_choices() -> list[tuple[str, str, bool]]:
    """(kind, label, mailed?) for the e-mail preferences form on the account page."""
    user = current_account()
    if user is None:
        return []
    chosen = inapp.email_choices(user)
    return [(kind, str(spec.label), chosen[kind]) for kind, spec in kinds.KINDS.items()]
