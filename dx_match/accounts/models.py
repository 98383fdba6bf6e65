"""Users and the organisations they belong to."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dx_match.catalog.models import Vendor
from dx_match.db import Base, TimestampMixin

#: Every role an account can have; an account has exactly one.
ROLES = ("sme", "vendor", "trainer", "advisor", "admin")
#: The roles a person may choose when registering (admins are made by the CLI or an admin).
SELF_SERVICE_ROLES = ("sme", "vendor", "trainer", "advisor")
#: Roles that must set up a TOTP second factor before using the site.
TOTP_REQUIRED_ROLES = frozenset({"advisor", "admin"})
#: Organisation kinds, and the one each role's organisation must have (admins have none).
ORGANISATION_KINDS = ("sme", "vendor", "training", "advisory")
KIND_FOR_ROLE = {"sme": "sme", "vendor": "vendor", "trainer": "training", "advisor": "advisory"}


class Organisation(TimestampMixin, Base):
    """An SME company, a software vendor, a training startup or an advisory office."""

    __tablename__ = "organisations"
    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('sme', 'vendor', 'training', 'advisory')", name="organisation_kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(10))
    # Vendor and training organisations own a catalog vendor row (their tools and courses).
    vendor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("vendors.id", ondelete="SET NULL"), unique=True
    )

    vendor: Mapped[Vendor | None] = relationship()
    members: Mapped[list[User]] = relationship(back_populates="organisation", order_by="User.email")


class User(TimestampMixin, Base):
    """An account: one role, at most one organisation, a password and an optional TOTP secret."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "role IN ('sme', 'vendor', 'trainer', 'advisor', 'admin')", name="user_role"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (the domain part is case-insensitive, and so, in practice, is the rest).
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    display_name: Mapped[str] = mapped_column(sa.String(120), default="")
    role: Mapped[str] = mapped_column(sa.String(10))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    #: The UI language mail is written in (zh-TW, ja or en).
    locale: Mapped[str] = mapped_column(sa.String(5), default="en")
    email_confirmed_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    #: Part of every session and remember-me cookie; rotating it signs out everywhere.
    session_token: Mapped[str] = mapped_column(sa.String(64))
    #: Base32 TOTP secret once the second factor is set up, else None.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    #: The last accepted TOTP time step, so a code cannot be replayed.
    totp_last_step: Mapped[int | None]
    last_login_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")

    # Flask-Login's user protocol.
    @property
    def is_active(self) -> bool:
        """Disabled accounts cannot log in and lose their sessions."""
        return self.active

    @property
    def is_authenticated(self) -> bool:
        """A loaded user is always authenticated (anonymous users are another class)."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """See is_authenticated."""
        return False

    def get_id(self) -> str:
        """The session identity: id and session token, so a rotated token ends old cookies."""
        return f"{self.id}:{self.session_token}"

    @property
    def needs_totp_setup(self) -> bool:
        """Advisors and admins must have a second factor before anything else."""
        return self.role in TOTP_REQUIRED_ROLES and not self.totp_secret


class ApiToken(TimestampMixin, Base):
    """A personal API token: its secret is shown once and kept only as a SHA-256 digest.

    `prefix` is public (shown on the token page, the first part of the secret) so a request's
    token is found by an index lookup and compared in constant time by its digest.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    prefix: Mapped[str] = mapped_column(sa.String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    #: The scopes granted (a subset of what the owner's role allows), e.g. ["listings:write"].
    scopes: Mapped[list[str]] = mapped_column(sa.JSON)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    #: Updated at most every few minutes (accounts/api_tokens.py), not on every request.
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
