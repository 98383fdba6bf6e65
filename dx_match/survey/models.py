"""SME profiles: who owns one, its versions (the spec profile as JSON), and survey drafts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dx_match.db import Base, TimestampMixin, utcnow


class SmeProfile(TimestampMixin, Base):
    """A company's profile: owned by an organisation, an advisor (for a client) or a visitor."""

    __tablename__ = "sme_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    #: The advisor who keeps this profile for a client (the advisor workspace builds on it).
    advisor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    client_name: Mapped[str | None] = mapped_column(sa.String(200))
    #: A visitor's random key (kept in the signed session) until an account claims the profile.
    visitor_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    #: The ISIC section of the current version, so same-industry averages are one indexed query.
    industry_section: Mapped[str] = mapped_column(sa.String(1), index=True)
    current_version: Mapped[int] = mapped_column(default=1)

    versions: Mapped[list[ProfileVersion]] = relationship(
        back_populates="profile",
        order_by="ProfileVersion.number",
        cascade="all, delete-orphan",
    )

    @property
    def current(self) -> ProfileVersion:
        """The newest version."""
        return self.versions[-1]


class ProfileVersion(Base):
    """One saved state of a profile: the spec shape, who saved it and when."""

    __tablename__ = "sme_profile_versions"
    __table_args__ = (sa.UniqueConstraint("profile_id", "number", name="uq_sme_profile_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("sme_profiles.id", ondelete="CASCADE"))
    number: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    profile: Mapped[SmeProfile] = relationship(back_populates="versions")


class SurveyDraft(TimestampMixin, Base):
    """Answers typed so far, keyed by a random id in the signed session cookie."""

    __tablename__ = "survey_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Raw answers by form field name, exactly as typed (nothing lost on an error).
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: The profile these answers edit (None: finishing creates a new profile).
    profile_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sme_profiles.id", ondelete="SET NULL")
    )
    #: For an advisor's survey: the client organisation's name.
    client_name: Mapped[str | None] = mapped_column(sa.String(200))
