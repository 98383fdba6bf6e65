"""Catalog models: vendors, tools with plans and taxonomy links, subsidies, courses with sessions.

Translated text (`name`, `summary`, `description`, `title`) is stored as the
exchange format gives it: a plain string or a map of language tag to string.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dx_match.db import Base, TimestampMixin

Localized = str | dict[str, str]
Money = sa.Numeric(14, 2)

VENDOR_KINDS = ("software", "training", "both")
DEPLOYMENTS = ("cloud", "on_premise", "hybrid")
PLATFORMS = ("web", "ios", "android", "windows", "macos", "linux")
PLAN_MODELS = ("free", "per_user_month", "flat_month", "per_year", "one_time", "quote")
EXPENSE_TYPES = ("software", "cloud_service", "hardware", "training", "consulting")
SME_DEFINITIONS = ("JP", "TW", "none")
COURSE_LEVELS = ("beginner", "intermediate", "advanced")
COURSE_FORMATS = ("online", "in_person", "hybrid")
# Moderation: imported and approved rows are published; vendor edits go through review.
STATUSES = ("draft", "pending", "published", "rejected", "archived")

tool_subsidies = sa.Table(
    "tool_subsidies",
    Base.metadata,
    sa.Column("tool_id", sa.ForeignKey("tools.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("subsidy_id", sa.ForeignKey("subsidies.id", ondelete="CASCADE"), primary_key=True),
)
course_subsidies = sa.Table(
    "course_subsidies",
    Base.metadata,
    sa.Column("course_id", sa.ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("subsidy_id", sa.ForeignKey("subsidies.id", ondelete="CASCADE"), primary_key=True),
)
course_tools = sa.Table(
    "course_tools",
    Base.metadata,
    sa.Column("course_id", sa.ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tool_id", sa.ForeignKey("tools.id", ondelete="CASCADE"), primary_key=True),
)


class Vendor(TimestampMixin, Base):
    """A software vendor, a training provider, or both."""

    __tablename__ = "vendors"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[Localized] = mapped_column(sa.JSON)
    kind: Mapped[str] = mapped_column(sa.String(10), default="software")
    startup: Mapped[bool] = mapped_column(default=False)
    country: Mapped[str | None] = mapped_column(sa.String(10))
    website: Mapped[str | None] = mapped_column(sa.String(500))
    description: Mapped[Localized | None] = mapped_column(sa.JSON)
    extra: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    tools: Mapped[list[Tool]] = relationship(back_populates="vendor", order_by="Tool.slug")
    courses: Mapped[list[Course]] = relationship(back_populates="provider", order_by="Course.slug")


class Tool(TimestampMixin, Base):
    """A digital tool with its plans, taxonomy links, moderation status and freshness stamp."""

    __tablename__ = "tools"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    vendor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vendors.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[Localized] = mapped_column(sa.JSON)
    summary: Mapped[Localized | None] = mapped_column(sa.JSON)
    description: Mapped[Localized | None] = mapped_column(sa.JSON)
    deployment: Mapped[str | None] = mapped_column(sa.String(12))
    platforms: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    min_employees: Mapped[int | None]
    max_employees: Mapped[int | None]
    trial_days: Mapped[int] = mapped_column(default=0)
    integrations: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    status: Mapped[str] = mapped_column(sa.String(10), default="published", index=True)
    verified_at: Mapped[date | None]
    source_url: Mapped[str | None] = mapped_column(sa.String(500))
    extra: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)

    # Optimistic locking: a stale edit raises StaleDataError instead of overwriting.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    vendor: Mapped[Vendor] = relationship(back_populates="tools")
    plans: Mapped[list[Plan]] = relationship(
        back_populates="tool", order_by="Plan.position", cascade="all, delete-orphan"
    )
    function_links: Mapped[list[ToolFunction]] = relationship(cascade="all, delete-orphan")
    industry_links: Mapped[list[ToolIndustry]] = relationship(cascade="all, delete-orphan")
    region_links: Mapped[list[ToolRegion]] = relationship(cascade="all, delete-orphan")
    language_links: Mapped[list[ToolLanguage]] = relationship(cascade="all, delete-orphan")
    subsidies: Mapped[list[Subsidy]] = relationship(
        secondary=tool_subsidies, order_by="Subsidy.slug"
    )

    @property
    def functions(self) -> list[str]:
        """Function codes, in the order they were listed."""
        return [link.code for link in sorted(self.function_links, key=lambda x: x.position)]

    @property
    def industries(self) -> list[str]:
        """Industry codes; empty means every industry."""
        return [link.code for link in sorted(self.industry_links, key=lambda x: x.position)]

    @property
    def regions(self) -> list[str]:
        """Region codes; empty means anywhere."""
        return [link.code for link in sorted(self.region_links, key=lambda x: x.position)]

    @property
    def languages(self) -> list[str]:
        """UI language tags."""
        return [link.code for link in sorted(self.language_links, key=lambda x: x.position)]


class _CodeLink:
    """A tool's link to one taxonomy code, kept in its listed order."""

    tool_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tools.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)


class ToolFunction(_CodeLink, Base):
    """A business function a tool serves."""

    __tablename__ = "tool_functions"


class ToolIndustry(_CodeLink, Base):
    """An industry a tool is made for (prefix rule: `I` covers `I56`)."""

    __tablename__ = "tool_industries"


class ToolRegion(_CodeLink, Base):
    """A region where a tool is sold and supported."""

    __tablename__ = "tool_regions"


class ToolLanguage(_CodeLink, Base):
    """A language the tool's user interface offers."""

    __tablename__ = "tool_languages"


class Plan(Base):
    """One price plan of a tool."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    tool_id: Mapped[int] = mapped_column(sa.ForeignKey("tools.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[Localized | None] = mapped_column(sa.JSON)
    model: Mapped[str] = mapped_column(sa.String(20))
    price: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    min_users: Mapped[int | None]
    extra: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    tool: Mapped[Tool] = relationship(back_populates="plans")


class Subsidy(TimestampMixin, Base):
    """A grant or subsidy programme with every eligibility field of the exchange format."""

    __tablename__ = "subsidies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[Localized] = mapped_column(sa.JSON)
    agency: Mapped[Localized | None] = mapped_column(sa.JSON)
    regions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    industries: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    sme_definition: Mapped[str] = mapped_column(sa.String(4), default="none")
    max_employees: Mapped[int | None]
    max_capital: Mapped[Decimal | None] = mapped_column(Money)
    expense_types: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    rate: Mapped[Decimal] = mapped_column(sa.Numeric(6, 4))
    max_amount: Mapped[Decimal] = mapped_column(Money)
    min_amount: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3))
    registered_tools_only: Mapped[bool] = mapped_column(default=False)
    opens: Mapped[date | None]
    closes: Mapped[date | None]
    url: Mapped[str | None] = mapped_column(sa.String(500))
    description: Mapped[Localized | None] = mapped_column(sa.JSON)
    verified_at: Mapped[date | None]
    source_url: Mapped[str | None] = mapped_column(sa.String(500))
    extra: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: Ours, not the exchange format's: a contract or payment before the grant decision
    #: (交付決定) makes the expense ineligible (Japan's IT導入補助金, for one).
    contract_after_grant: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    def window_state(self, today: date) -> str:
        """`open`, `upcoming` or `closed` on the given day."""
        if self.opens is not None and today < self.opens:
            return "upcoming"
        if self.closes is not None and today > self.closes:
            return "closed"
        return "open"


class Course(TimestampMixin, Base):
    """A reskilling course offered by a training provider."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    provider_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vendors.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[Localized] = mapped_column(sa.JSON)
    description: Mapped[Localized | None] = mapped_column(sa.JSON)
    skills: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    functions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    level: Mapped[str | None] = mapped_column(sa.String(12))
    format: Mapped[str | None] = mapped_column(sa.String(10))
    language: Mapped[str | None] = mapped_column(sa.String(20))
    region: Mapped[str | None] = mapped_column(sa.String(10))
    hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2))
    price: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(10), default="published", index=True)
    extra: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    provider: Mapped[Vendor] = relationship(back_populates="courses")
    sessions: Mapped[list[CourseSession]] = relationship(
        back_populates="course", order_by="CourseSession.position", cascade="all, delete-orphan"
    )
    subsidies: Mapped[list[Subsidy]] = relationship(
        secondary=course_subsidies, order_by="Subsidy.slug"
    )
    tools: Mapped[list[Tool]] = relationship(secondary=course_tools, order_by="Tool.slug")


class CourseSession(Base):
    """One scheduled run of a course."""

    __tablename__ = "course_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    starts: Mapped[date]
    capacity: Mapped[int | None]
    extra: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    course: Mapped[Course] = relationship(back_populates="sessions")
