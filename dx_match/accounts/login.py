"""Flask-Login wiring: the session identity is "id:session_token", checked on every request."""

from __future__ import annotations

import hmac

from flask import Flask, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from dx_match.accounts.models import User
from dx_match.extensions import db, login_manager

#: Endpoints an advisor or admin without a second factor may still use.
TOTP_SETUP_ALLOWED = frozenset(
    {
        "accounts.totp_setup",
        "accounts.logout",
        "accounts.login",  # a non-fresh session is asked to log in again before the setup
        "accounts.login_totp",
        "static",
        "health.healthz",
    }
)

#: What survives the new session of a log-in: the language, and a visitor's survey draft
#: (claimed for the organisation by the survey's `user_logged_in` handler).
CARRIED_SESSION_KEYS = ("lang", "survey_draft")


def load_user(identity: str) -> User | None:
    """The user for a session or remember-me identity, if its token is still current."""
    user_id, _, token = identity.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None  # logged out, password changed or disabled since this cookie was made
    return user


def fresh_session() -> None:
    """Empty the session except for CARRIED_SESSION_KEYS."""
    carried = {key: session[key] for key in CARRIED_SESSION_KEYS if key in session}
    session.clear()
    session.update(carried)


def start_session(user: User, remember: bool) -> None:
    """Log `user` in on a brand-new session (only CARRIED_SESSION_KEYS carry over)."""
    fresh_session()
    login_user(user, remember=remember, fresh=True)


def init_app(app: Flask) -> None:
    """Bind Flask-Login and the rule that advisors and admins set up TOTP first."""
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.refresh_view = "accounts.login"
    login_manager.needs_refresh_message = _l("Please log in again to change this.")
    login_manager.needs_refresh_message_category = "info"
    # The messages are lazy strings: flash their text in the viewer's language, not the object.
    login_manager.localize_callback = str

    @app.before_request
    def require_totp_setup() -> ResponseReturnValue | None:
        if (
            current_user.is_authenticated
            and current_user.needs_totp_setup
            and request.endpoint not in TOTP_SETUP_ALLOWED
        ):
            return redirect(url_for("accounts.totp_setup"))
        return None
