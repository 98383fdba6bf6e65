"""Adoptions (who uses which tool, from when, confirmed by whom), reviews, reports, outcomes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dx_match.accounts.models import Organisation, User
from dx_match.catalog.models import Tool
from dx_match.db import Base, TimestampMixin, utcnow

#: Where an adoption record comes from. Any source writes an Adoption row; `advisor` is written
#: by the advisor workspace (an advisor marks a set item "adopted").
SOURCES = ("inquiry", "declared", "advisor")
#: Months after adoption at which the SME is asked for an outcome report.
MILESTONES = (3, 12)
RATING_FIELDS = ("overall", "ease", "value", "support")


class Adoption(TimestampMixin, Base):
    """Organisation X uses tool T since a day; only a confirmed adoption allows a review."""

    __tablename__ = "adoptions"
    __table_args__ = (
        sa.CheckConstraint("source IN ('inquiry', 'declared', 'advisor')", name="adoption_source"),
        sa.UniqueConstraint("organisation_id", "tool_id", name="uq_adoption_organisation_tool"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    tool_id: Mapped[int] = mapped_column(sa.ForeignKey("tools.id", ondelete="CASCADE"), index=True)
    since: Mapped[date]
    source: Mapped[str] = mapped_column(sa.String(10))
    inquiry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("inquiries.id", ondelete="SET NULL")
    )
    #: Who recorded it (the SME declaring, the vendor marking an inquiry, the advisor).
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: Set when the other side confirmed it (the vendor for a declaration, the SME otherwise).
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # When each outcome reminder went out (so `outcomes remind` asks once per milestone).
    reminded_3_at: Mapped[datetime | None]
    reminded_12_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    tool: Mapped[Tool] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    @property
    def confirmed(self) -> bool:
        """Whether both sides agree this organisation uses the tool."""
        return self.confirmed_at is not None


class Review(TimestampMixin, Base):
    """One organisation's ratings and text about one tool (editable; at most one)."""

    __tablename__ = "reviews"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "tool_id", name="uq_review_organisation_tool"),
        *(
            sa.CheckConstraint(f"{name} BETWEEN 1 AND 5", name=f"review_{name}")
            for name in RATING_FIELDS
        ),
        sa.Index("ix_reviews_tool_hidden", "tool_id", "hidden"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    tool_id: Mapped[int] = mapped_column(sa.ForeignKey("tools.id", ondelete="CASCADE"))
    adoption_id: Mapped[int] = mapped_column(sa.ForeignKey("adoptions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    overall: Mapped[int]
    ease: Mapped[int]
    value: Mapped[int]
    support: Mapped[int]
    weeks_to_live: Mapped[int | None]
    body: Mapped[str] = mapped_column(sa.Text, default="")
    lang: Mapped[str] = mapped_column(sa.String(5), default="en")
    #: The reviewer agreed to show the organisation's name.
    show_name: Mapped[bool] = mapped_column(default=False)
    # The reviewer's ISIC section and size band, from the organisation's profile when written.
    industry_section: Mapped[str] = mapped_column(sa.String(1), default="")
    size_band: Mapped[str] = mapped_column(sa.String(8), default="")
    hidden: Mapped[bool] = mapped_column(default=False)
    moderation_reason: Mapped[str | None] = mapped_column(sa.Text)
    reply_body: Mapped[str | None] = mapped_column(sa.Text)
    reply_at: Mapped[datetime | None]
    reply_author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    organisation: Mapped[Organisation] = relationship()
    tool: Mapped[Tool] = relationship()
    adoption: Mapped[Adoption] = relationship()
    reports: Mapped[list[ReviewReport]] = relationship(
        back_populates="review", order_by="ReviewReport.id", cascade="all, delete-orphan"
    )


class ReviewReport(Base):
    """Someone signed in says a review breaks the rules, and why."""

    __tablename__ = "review_reports"
    __table_args__ = (sa.UniqueConstraint("review_id", "reporter_id", name="uq_review_report"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reviews.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when an admin dealt with the review (hid it or kept it).
    resolved_at: Mapped[datetime | None]

    review: Mapped[Review] = relationship(back_populates="reports")
    reporter: Mapped[User] = relationship()


class OutcomeReport(Base):
    """What an adopter measured 3 or 12 months in: hours saved, cost, function measures."""

    __tablename__ = "outcome_reports"
    __table_args__ = (
        sa.UniqueConstraint("adoption_id", "milestone", name="uq_outcome_adoption_milestone"),
        sa.CheckConstraint("milestone IN (3, 12)", name="outcome_milestone"),
        sa.Index("ix_outcome_reports_tool", "tool_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    adoption_id: Mapped[int] = mapped_column(sa.ForeignKey("adoptions.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    tool_id: Mapped[int] = mapped_column(sa.ForeignKey("tools.id", ondelete="CASCADE"))
    milestone: Mapped[int]
    hours_saved: Mapped[Decimal] = mapped_column(sa.Numeric(8, 1))
    monthly_cost: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    currency: Mapped[str] = mapped_column(sa.String(3))
    still_using: Mapped[bool]
    #: Function-specific measures by key (see outcomes.MEASURES), numbers only.
    measures: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    industry_section: Mapped[str] = mapped_column(sa.String(1), default="")
    size_band: Mapped[str] = mapped_column(sa.String(8), default="")
    #: The SME member (or, later, its advisor) who filled it in.
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    adoption: Mapped[Adoption] = relationship()
