"""Every write to accounts: registration, log-in checks, passwords, e-mail, TOTP, admin.

Services check permissions, write, queue the mail the change causes (same transaction) and
commit once. They never touch `request`; links in mail are built with `url_for(_external=True)`.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from dx_match.accounts import passwords, tokens, totp
from dx_match.accounts.models import (
    KIND_FOR_ROLE,
    ROLES,
    SELF_SERVICE_ROLES,
    TOTP_REQUIRED_ROLES,
    Organisation,
    User,
)
from dx_match.accounts.permissions import require_role
from dx_match.accounts.queries import normalize_email, user_by_email, user_by_id
from dx_match.catalog.models import Vendor
from dx_match.config import UI_LANGUAGES
from dx_match.db import utcnow
from dx_match.errors import Forbidden, NotFound, ValidationFailed
from dx_match.extensions import db
from dx_match.notify.services import queue_mail


class FieldProblem(ValidationFailed):
    """A rejected value, naming the form field it came from."""

    def __init__(self, field: str, message: Any) -> None:
        super().__init__([f"{field}: {message}"])
        self.field = field
        self.message = message


class LoginFailed(Exception):
    """Wrong address or password (deliberately not saying which)."""


class AccountNotConfirmed(LoginFailed):
    """Right password, but the address is not confirmed yet."""


class AccountDisabled(LoginFailed):
    """Right password, but an admin disabled the account."""


def new_session_token() -> str:
    """A fresh random per-user session token."""
    return secrets.token_urlsafe(32)


def check_password_rules(password: str, field: str = "password") -> None:
    """At least 8 characters, long passphrases allowed, no composition rules."""
    if len(password) < passwords.MIN_LENGTH:
        raise FieldProblem(field, _l("Use at least 8 characters."))
    if len(password) > passwords.MAX_LENGTH:
        raise FieldProblem(field, _l("Use at most 1000 characters."))


def _locale(locale: str) -> str:
    return locale if locale in UI_LANGUAGES else "en"


def _confirm_link(user: User) -> str:
    token = tokens.make_token("confirm", {"u": user.id, "e": user.email})
    return url_for("accounts.confirm_email", token=token, _external=True)


def create_user(
    *,
    email: str,
    password: str,
    role: str,
    display_name: str = "",
    organisation_name: str | None = None,
    vendor: Vendor | None = None,
    locale: str = "en",
    confirmed: bool = False,
) -> User:
    """Add an account (and its organisation) to the session without committing or mailing."""
    if role not in ROLES:
        raise FieldProblem("role", _l("Choose one of the listed roles."))
    email = normalize_email(email)
    if user_by_email(email) is not None:
        raise FieldProblem("email", _l("An account with this address already exists."))
    check_password_rules(password)
    organisation = None
    if role in KIND_FOR_ROLE and (organisation_name or vendor is not None):
        organisation = Organisation(
            name=(organisation_name or display_name or email).strip(),
            kind=KIND_FOR_ROLE[role],
            vendor=vendor if role in {"vendor", "trainer"} else None,
        )
    user = User(
        email=email,
        password_hash=passwords.hash_password(password),
        display_name=display_name.strip(),
        role=role,
        organisation=organisation,
        locale=_locale(locale),
        email_confirmed_at=utcnow() if confirmed else None,
        active=True,
        session_token=new_session_token(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def register(
    *,
    email: str,
    password: str,
    role: str,
    display_name: str,
    organisation_name: str,
    locale: str,
) -> User | None:
    """Self-service registration; mails a confirmation link.

    For an address that already has an account nothing is created and its owner is told by
    mail instead, so the form's answer does not reveal who has an account. Returns the new user
    (None for a known address).
    """
    if role not in SELF_SERVICE_ROLES:
        raise FieldProblem("role", _l("Choose one of the listed roles."))
    check_password_rules(password)
    existing = user_by_email(email)
    if existing is not None:
        queue_mail(
            existing.email,
            "already_registered",
            _l("Someone tried to register with your address"),
            existing.locale,
            user=existing,
            login_url=url_for("accounts.login", _external=True),
            reset_url=url_for("accounts.forgot_password", _external=True),
        )
        db.session.commit()
        return None
    user = create_user(
        email=email,
        password=password,
        role=role,
        display_name=display_name,
        organisation_name=organisation_name or None,
        locale=locale,
    )
    queue_mail(
        user.email,
        "confirm_email",
        _l("Confirm your e-mail address"),
        user.locale,
        user=user,
        link=_confirm_link(user),
    )
    db.session.commit()
    return user


def resend_confirmation(email: str) -> None:
    """Mail a new confirmation link to an unconfirmed account (silently nothing otherwise)."""
    user = user_by_email(email)
    if user is None or user.email_confirmed_at is not None or not user.active:
        return
    queue_mail(
        user.email,
        "confirm_email",
        _l("Confirm your e-mail address"),
        user.locale,
        user=user,
        link=_confirm_link(user),
    )
    db.session.commit()


def confirm_email(token: str) -> User:
    """Mark the address in a confirmation token as confirmed (raises tokens.TokenInvalid)."""
    payload = tokens.read_token("confirm", token, current_app.config["DX_CONFIRM_TOKEN_MAX_AGE"])
    user = user_by_id(int(payload.get("u", 0)))
    if user is None or user.email != payload.get("e"):
        raise tokens.TokenInvalid("confirm")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        db.session.commit()
    return user


def authenticate(email: str, password: str) -> User:
    """The account for these credentials, or LoginFailed (or a subclass saying why)."""
    user = user_by_email(email)
    if not passwords.verify_password(user.password_hash if user else None, password):
        raise LoginFailed
    assert user is not None
    if not user.active:
        raise AccountDisabled
    if user.email_confirmed_at is None:
        raise AccountNotConfirmed
    return user


def record_login(user: User) -> None:
    """Note the time of a completed log-in."""
    user.last_login_at = utcnow()
    db.session.commit()


def check_totp(user: User, code: str) -> bool:
    """Whether `code` is a current, unused TOTP code of `user` (it is then used up)."""
    if not user.totp_secret:
        return False
    step = totp.accepted_step(user.totp_secret, code, user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    db.session.commit()
    return True


def end_all_sessions(user: User) -> None:
    """Rotate the session token: every session and remember-me cookie of `user` stops working."""
    user.session_token = new_session_token()
    db.session.commit()


def request_password_reset(email: str) -> None:
    """Mail a single-use reset link if the address has an active account (no answer either way)."""
    user = user_by_email(email)
    if user is None or not user.active:
        return
    token = tokens.make_token("reset", {"u": user.id, "p": tokens.fingerprint(user.password_hash)})
    queue_mail(
        user.email,
        "reset_password",
        _l("Reset your password"),
        user.locale,
        user=user,
        link=url_for("accounts.reset_password", token=token, _external=True),
    )
    db.session.commit()


def user_for_reset_token(token: str) -> User:
    """The account a reset token is for, if the token is genuine, fresh and unspent."""
    payload = tokens.read_token("reset", token, current_app.config["DX_RESET_TOKEN_MAX_AGE"])
    user = user_by_id(int(payload.get("u", 0)))
    if (
        user is None
        or not user.active
        or payload.get("p") != tokens.fingerprint(user.password_hash)
    ):
        raise tokens.TokenInvalid("reset")
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link is spent and every session ends."""
    user = user_for_reset_token(token)
    check_password_rules(new_password)
    _set_password(user, new_password)
    # Whoever holds the mailbox controls the account anyway: the address counts as confirmed.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    db.session.commit()
    return user


def _set_password(user: User, new_password: str) -> None:
    user.password_hash = passwords.hash_password(new_password)
    user.session_token = new_session_token()
    queue_mail(
        user.email,
        "password_changed",
        _l("Your password was changed"),
        user.locale,
        user=user,
        reset_url=url_for("accounts.forgot_password", _external=True),
    )


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password (the current one is asked again); every session ends."""
    if not passwords.verify_password(user.password_hash, current_password):
        raise FieldProblem("current_password", _l("This is not your current password."))
    check_password_rules(new_password, "new_password")
    _set_password(user, new_password)
    db.session.commit()


def request_email_change(user: User, password: str, new_email: str) -> None:
    """Mail a confirmation link to the new address; the address changes when it is followed."""
    if not passwords.verify_password(user.password_hash, password):
        raise FieldProblem("password", _l("This is not your current password."))
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise FieldProblem("new_email", _l("This is already your address."))
    if user_by_email(new_email) is not None:
        raise FieldProblem("new_email", _l("An account with this address already exists."))
    token = tokens.make_token("change_email", {"u": user.id, "old": user.email, "new": new_email})
    queue_mail(
        new_email,
        "change_email",
        _l("Confirm your new e-mail address"),
        user.locale,
        user=user,
        new_email=new_email,
        link=url_for("accounts.confirm_email_change", token=token, _external=True),
    )
    db.session.commit()


def confirm_email_change(token: str) -> User:
    """Switch to the new address in the token (spent once the address has changed)."""
    payload = tokens.read_token(
        "change_email", token, current_app.config["DX_CONFIRM_TOKEN_MAX_AGE"]
    )
    user = user_by_id(int(payload.get("u", 0)))
    new_email = str(payload.get("new", ""))
    if user is None or not user.active or user.email != payload.get("old"):
        raise tokens.TokenInvalid("change_email")
    if user_by_email(new_email) is not None:
        raise FieldProblem("new_email", _l("An account with this address already exists."))
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = utcnow()
    queue_mail(
        old_email,
        "email_changed",
        _l("Your e-mail address was changed"),
        user.locale,
        user=user,
        new_email=new_email,
    )
    db.session.commit()
    return user


def enable_totp(user: User, secret: str, code: str) -> None:
    """Turn on the second factor once the user proves their app shows the right codes."""
    step = totp.accepted_step(secret, code, None)
    if step is None:
        raise FieldProblem("code", _l("This code is not valid. Check the time on your device."))
    user.totp_secret = secret
    user.totp_last_step = step
    db.session.commit()


def disable_totp(user: User, password: str) -> None:
    """Turn off the second factor (not allowed for advisors and admins, who must have one)."""
    if user.role in TOTP_REQUIRED_ROLES:
        raise Forbidden("advisors and admins must keep a second factor")
    if not passwords.verify_password(user.password_hash, password):
        raise FieldProblem("password", _l("This is not your current password."))
    user.totp_secret = None
    user.totp_last_step = None
    db.session.commit()


def set_active(actor: User | None, user_id: int, active: bool) -> User:
    """Admin only: disable (ending every session) or re-enable an account."""
    admin = require_role(actor, "admin")
    user = user_by_id(user_id)
    if user is None:
        raise NotFound("user")
    if user.id == admin.id and not active:
        raise Forbidden("admins cannot disable their own account")
    user.active = active
    if not active:
        user.session_token = new_session_token()
    db.session.commit()
    return user


def link_vendor(actor: User | None, organisation_id: int, vendor_slug: str) -> Organisation:
    """Admin only: let a vendor or training organisation own a catalog vendor row."""
    import sqlalchemy as sa

    require_role(actor, "admin")
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("organisation")
    if organisation.kind not in {"vendor", "training"}:
        raise FieldProblem(
            "organisation", _l("Only vendor and training organisations list offerings.")
        )
    vendor = db.session.scalars(sa.select(Vendor).where(Vendor.slug == vendor_slug)).first()
    if vendor is None:
        raise NotFound("vendor")
    organisation.vendor = vendor
    db.session.commit()
    return organisation
