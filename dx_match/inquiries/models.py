"""Inquiries with their message threads, and daily view counters per listing."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dx_match.accounts.models import Organisation, User
from dx_match.catalog.models import Course, Tool, Vendor
from dx_match.db import Base, TimestampMixin, utcnow

#: What an inquiry asks for: about a tool, or about a course.
TOOL_KINDS = ("quote", "demo", "question")
COURSE_KINDS = ("question", "enrol", "interest")
KINDS = ("quote", "demo", "question", "enrol", "interest")
#: new: nobody answered yet; answered: the vendor replied; closed: done (either side may reopen
#: it by writing again).
STATUSES = ("new", "answered", "closed")
#: Who wrote a message in a thread.
AUTHORS = ("asker", "vendor")
LISTING_KINDS = ("tool", "course")


class Inquiry(TimestampMixin, Base):
    """A question, quote or demo request about one tool or course, sent to its vendor."""

    __tablename__ = "inquiries"
    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('quote', 'demo', 'question', 'enrol', 'interest')", name="inquiry_kind"
        ),
        sa.CheckConstraint("status IN ('new', 'answered', 'closed')", name="inquiry_status"),
        sa.CheckConstraint("(tool_id IS NULL) <> (course_id IS NULL)", name="inquiry_one_listing"),
        sa.Index("ix_inquiries_vendor_status", "vendor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(10), default="new")
    tool_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tools.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    # The catalog vendor row it goes to: whichever organisation owns that row reads it, so an
    # inquiry to a not-yet-claimed vendor waits for the organisation that claims it.
    vendor_id: Mapped[int] = mapped_column(sa.ForeignKey("vendors.id", ondelete="CASCADE"))
    # A signed-in SME user (and its organisation), or a visitor who left contact details.
    asker_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    asker_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    company: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str] = mapped_column(sa.String(254))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    #: Whether the asker agreed to share the contact details above with the vendor.
    consent: Mapped[bool] = mapped_column(default=False)
    #: The asker's language, for the mail it gets.
    locale: Mapped[str] = mapped_column(sa.String(5), default="en")
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Who wrote the last message ('asker' or 'vendor'): the other side has news.
    last_author: Mapped[str] = mapped_column(sa.String(10), default="asker")
    # What each side has seen (marked by its POSTs, never by a GET).
    vendor_seen_at: Mapped[datetime | None]
    asker_seen_at: Mapped[datetime | None]

    tool: Mapped[Tool | None] = relationship()
    course: Mapped[Course | None] = relationship()
    vendor: Mapped[Vendor] = relationship()
    asker: Mapped[User | None] = relationship()
    asker_organisation: Mapped[Organisation | None] = relationship()
    messages: Mapped[list[InquiryMessage]] = relationship(
        back_populates="inquiry",
        order_by="InquiryMessage.id",
        cascade="all, delete-orphan",
    )


class InquiryMessage(Base):
    """One message of an inquiry's thread."""

    __tablename__ = "inquiry_messages"
    __table_args__ = (
        sa.CheckConstraint("author IN ('asker', 'vendor')", name="inquiry_message_author"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(sa.String(10))
    #: The signed-in user who wrote it (None for a visitor).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    inquiry: Mapped[Inquiry] = relationship(back_populates="messages")
    user: Mapped[User | None] = relationship()


class ListingView(Base):
    """How many (human, non-owner) page views a tool or course page had on one day."""

    __tablename__ = "listing_views"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('tool', 'course')", name="listing_view_kind"),
        sa.PrimaryKeyConstraint("kind", "listing_id", "day", name="pk_listing_views"),
    )

    kind: Mapped[str] = mapped_column(sa.String(10))
    # Not a foreign key: one table for tools and courses; rows of a deleted listing are ignored.
    listing_id: Mapped[int] = mapped_column()
    day: Mapped[date] = mapped_column()
    views: Mapped[int] = mapped_column(default=0)
