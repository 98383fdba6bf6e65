"""Trust rows: price history of tools' plans, fraud-risk signals with the admins' decisions,
and the reminders sent to vendors about listings not verified for a year."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dx_match.accounts.models import User
from dx_match.catalog.models import Localized, Money, Tool
from dx_match.db import Base, TimestampMixin, utcnow

PRICE_SOURCES = ("import", "moderation")
SUBJECT_KINDS = ("tool", "vendor")
#: open: waiting for an admin; dismissed: judged harmless; actioned: the admin acted on it.
SIGNAL_STATES = ("open", "dismissed", "actioned")


class PriceChange(Base):
    """One plan's price as it changed on a published tool: old -> new (old is None at first)."""

    __tablename__ = "price_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    tool_id: Mapped[int] = mapped_column(sa.ForeignKey("tools.id", ondelete="CASCADE"), index=True)
    # Plans have no identity of their own: the key is the plan's English (or first) name, else
    # its position, so a renamed plan reads as one plan gone and one new.
    plan_key: Mapped[str] = mapped_column(sa.String(200))
    plan_name: Mapped[Localized | None] = mapped_column(sa.JSON)
    model: Mapped[str | None] = mapped_column(sa.String(20))
    old_price: Mapped[Decimal | None] = mapped_column(Money)
    new_price: Mapped[Decimal | None] = mapped_column(Money)
    old_currency: Mapped[str | None] = mapped_column(sa.String(3))
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    changed_on: Mapped[date] = mapped_column(index=True)
    source: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tool: Mapped[Tool] = relationship()


class TrustSignal(TimestampMixin, Base):
    """A detector's finding about a tool or vendor, and what an admin decided about it."""

    __tablename__ = "trust_signals"
    __table_args__ = (
        sa.UniqueConstraint("detector", "subject_kind", "subject_key"),
        sa.CheckConstraint("state IN ('open', 'dismissed', 'actioned')", name="signal_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    detector: Mapped[str] = mapped_column(sa.String(40))
    subject_kind: Mapped[str] = mapped_column(sa.String(10))
    subject_key: Mapped[str] = mapped_column(sa.String(80))
    score: Mapped[float]
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # A digest of what the detector saw: a decided signal reopens only when it changes.
    evidence: Mapped[str] = mapped_column(sa.String(64))
    # False once the detector no longer finds it (kept, with its decision, for the record).
    active: Mapped[bool] = mapped_column(default=True, index=True)
    state: Mapped[str] = mapped_column(sa.String(10), default="open", index=True)
    note: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]

    decided_by: Mapped[User | None] = relationship()


class StaleReminder(Base):
    """A reminder mailed to a tool's vendor to confirm its prices (at most one per 30 days)."""

    __tablename__ = "stale_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    tool_id: Mapped[int] = mapped_column(sa.ForeignKey("tools.id", ondelete="CASCADE"), index=True)
    sent_on: Mapped[date]
    recipients: Mapped[int] = mapped_column(default=0)
