"""Personal API tokens: create (the secret shown once), list, revoke, and check a presented one.

A token reads `dxm_<prefix>_<secret>`: the prefix is random, public and unique (the lookup key
and what the token page shows); the whole token is kept only as its SHA-256 digest. The token
has 256 bits of randomness, so a fast digest is enough (no password hashing is needed).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from dx_match import audit
from dx_match.accounts.models import ROLES, ApiToken, User
from dx_match.db import utcnow
from dx_match.errors import NotFound, ValidationFailed
from dx_match.extensions import db

#: Every scope a token can carry, with what it lets the token do.
SCOPES: dict[str, LazyString] = {
    "account:read": _l("Read your account (who the token belongs to)"),
    "listings:read": _l("Read your tools or courses and their revisions"),
    "listings:write": _l("Create and edit drafts of your listings and submit them for review"),
    "clients:read": _l("Read your advisory clients"),
    "clients:write": _l("Change your advisory clients and their recommendations"),
}
#: The scopes each role may grant (advisors' client scopes are used by the advisor API).
ROLE_SCOPES: dict[str, tuple[str, ...]] = {
    "sme": ("account:read",),
    "vendor": ("account:read", "listings:read", "listings:write"),
    "trainer": ("account:read", "listings:read", "listings:write"),
    "advisor": ("account:read", "clients:read", "clients:write"),
    "admin": ("account:read",),
}
assert set(ROLE_SCOPES) == set(ROLES)
#: Lifetimes offered on the token page, in days (None: until revoked).
LIFETIMES = (30, 90, 365, None)
TOKEN_START = "dxm_"
PREFIX_BYTES = 6
PREFIX_LENGTH = 8  # characters of token_urlsafe(PREFIX_BYTES)
SECRET_BYTES = 32
MAX_NAME = 80
#: Active tokens one account may hold.
MAX_ACTIVE = 20
#: `last_used_at` is written at most this often per token (no write on every request).
TOUCH_EVERY = timedelta(minutes=5)


class TokenRejected(Exception):
    """A presented token that is unknown, malformed, expired or revoked (the reason, in English)."""


@dataclass(frozen=True)
class NewToken:
    """A token just created, and its secret (never stored, never shown again)."""

    token: ApiToken
    secret: str


def digest(secret: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(secret.encode()).hexdigest()


def aware(moment: datetime | None) -> datetime | None:
    """A stored time with its UTC zone (SQLite gives back naive datetimes; all are UTC)."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def allowed_scopes(role: str) -> tuple[str, ...]:
    """The scopes an account of `role` may grant its tokens."""
    return ROLE_SCOPES.get(role, ())


def state(token: ApiToken, now: datetime | None = None) -> str:
    """active, expired or revoked."""
    if token.revoked_at is not None:
        return "revoked"
    expires = aware(token.expires_at)
    if expires is not None and expires <= (now or utcnow()):
        return "expired"
    return "active"


def tokens_of(user: User) -> list[ApiToken]:
    """The account's tokens, newest first."""
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def create(user: User, name: str, scopes: list[str], lifetime_days: int | None) -> NewToken:
    """A new token for `user` with `scopes` (each allowed to the role); its secret once."""
    name = name.strip()
    problems = []
    if not name:
        problems.append(str(_l("Give the token a name, so you know where it is used.")))
    elif len(name) > MAX_NAME:
        problems.append(str(_l("At most 80 characters.")))
    granted = list(dict.fromkeys(scopes))
    if not granted:
        problems.append(str(_l("Choose at least one scope.")))
    if any(scope not in allowed_scopes(user.role) for scope in granted):
        problems.append(str(_l("Your role cannot grant this scope.")))
    if lifetime_days not in LIFETIMES:
        problems.append(str(_l("Choose one of the offered lifetimes.")))
    if sum(state(token) == "active" for token in tokens_of(user)) >= MAX_ACTIVE:
        problems.append(str(_l("You have 20 active tokens; revoke one first.")))
    if problems:
        raise ValidationFailed(problems)
    prefix = secrets.token_urlsafe(PREFIX_BYTES)
    secret = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    now = utcnow()
    token = ApiToken(
        user=user,
        name=name,
        prefix=prefix,
        secret_hash=digest(secret),
        scopes=granted,
        expires_at=now + timedelta(days=lifetime_days) if lifetime_days else None,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        user, "api_token.create", "api_token", token.id,
        {"name": name, "prefix": prefix, "scopes": granted, "lifetime_days": lifetime_days},
    )  # fmt: skip
    db.session.commit()
    return NewToken(token, secret)


def revoke(user: User, token_id: int) -> ApiToken:
    """Revoke one of `user`'s tokens (someone else's is not found); revoking twice is harmless."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("api token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(user, "api_token.revoke", "api_token", token.id, {"prefix": token.prefix})
        db.session.commit()
    return token


def prefix_of(secret: str) -> str | None:
    """The public prefix of a well-formed token (the secret part may itself contain "_")."""
    body = secret.removeprefix(TOKEN_START)
    if body == secret or len(body) < PREFIX_LENGTH + 2 or body[PREFIX_LENGTH] != "_":
        return None
    return body[:PREFIX_LENGTH]


def authenticate(secret: str) -> ApiToken:
    """The active token `secret` is, of an active account; TokenRejected otherwise."""
    prefix = prefix_of(secret)
    if prefix is None:
        raise TokenRejected("malformed token")
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.prefix == prefix))
    if token is None or not hmac.compare_digest(token.secret_hash, digest(secret)):
        raise TokenRejected("unknown token")
    token_state = state(token)
    if token_state != "active":
        raise TokenRejected(f"{token_state} token")
    if not token.user.active:
        raise TokenRejected("disabled account")
    return token


def touch(token: ApiToken) -> None:
    """Record that the token was used, at most every TOUCH_EVERY (commits the session).

    The read so far is ended first, so that on SQLite the write begins a transaction of its
    own (a read transaction upgraded to a write fails under contention).
    """
    now = utcnow()
    last = aware(token.last_used_at)
    if last is not None and now - last < TOUCH_EVERY:
        return
    token_id = token.id
    db.session.commit()
    db.session.execute(sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
    db.session.commit()
