"""Who may do what: role checks and ownership, used by services (views only add log-in checks).

Other users' private objects are reported as not found (404), never as forbidden, so their
existence does not leak; a known action the role may not take is forbidden (403).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import flask_login
from flask_login import current_user

from dx_match.accounts.models import User
from dx_match.errors import Forbidden, NotFound

F = TypeVar("F", bound=Callable[..., Any])


def require_role(actor: User | None, *roles: str) -> User:
    """Return `actor` if it is a signed-in active user with one of `roles`; else raise Forbidden."""
    if actor is None or not actor.active or actor.role not in roles:
        raise Forbidden(f"requires the role {' or '.join(roles)}")
    return actor


def is_member(actor: User | None, organisation_id: int | None) -> bool:
    """Whether `actor` belongs to the organisation (admins count as members of every one)."""
    if actor is None or organisation_id is None:
        return False
    return actor.role == "admin" or actor.organisation_id == organisation_id


def require_member(actor: User | None, organisation_id: int | None, what: str) -> None:
    """Raise NotFound unless `actor` belongs to the organisation owning a private `what`."""
    if not is_member(actor, organisation_id):
        raise NotFound(what)


def login_required(view: F) -> F:
    """View decorator: signed in (anonymous visitors are sent to the log-in page)."""
    return cast(F, flask_login.login_required(view))


def fresh_login_required(view: F) -> F:
    """View decorator: signed in by password in this session, not restored from remember-me."""
    return cast(F, flask_login.fresh_login_required(view))


def role_required(*roles: str) -> Callable[[F], F]:
    """View decorator: log-in required, then one of `roles` (403 otherwise)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            require_role(current_user, *roles)
            return view(*args, **kwargs)

        return login_required(cast(F, wrapped))

    return decorate


def current_account() -> User | None:
    """The signed-in user, or None (for passing to services)."""
    user = current_user._get_current_object()  # the proxy's target, for type checks
    return user if isinstance(user, User) else None
