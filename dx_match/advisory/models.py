"""An advisor's clients, the recommendation sets curated for them, and what happened."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dx_match.db import Base, TimestampMixin, utcnow

SET_STATES = ("draft", "sent")
RESPONSES = ("interested", "not_relevant")
CLIENT_LOCALES = ("zh-TW", "ja", "en")


class AdvisorClient(TimestampMixin, Base):
    """A client SME of one advisor: created by the advisor, later claimed by the SME."""

    __tablename__ = "advisory_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    locale: Mapped[str] = mapped_column(sa.String(5), default="en")
    #: The SME organisation once it claimed the client.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    #: The profile the advisor keeps for the client (the organisation's after the claim).
    profile_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sme_profiles.id", ondelete="SET NULL")
    )
    #: The survey draft the advisor started for the client (links the saved profile back).
    draft_key: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    #: Random; an invitation link names it, so claiming (which clears it) spends the link.
    invite_nonce: Mapped[str | None] = mapped_column(sa.String(32))
    invited_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    #: Set when the SME revoked the advisor's access: nothing newer is shown to the advisor.
    revoked_at: Mapped[datetime | None]

    sets: Mapped[list[RecommendationSet]] = relationship(
        back_populates="client", order_by="RecommendationSet.id"
    )
    events: Mapped[list[ClientEvent]] = relationship(
        back_populates="client", order_by="ClientEvent.id", cascade="all, delete-orphan"
    )

    @property
    def revoked(self) -> bool:
        """Whether the SME has revoked the advisor's access."""
        return self.revoked_at is not None


class RecommendationSet(TimestampMixin, Base):
    """Tools, courses and subsidies an advisor curated for a client, with a cover message."""

    __tablename__ = "advisory_sets"
    __table_args__ = (sa.CheckConstraint("state IN ('draft', 'sent')", name="advisory_set_state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        sa.ForeignKey("advisory_clients.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    cover_message: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[str] = mapped_column(sa.String(10), default="draft")
    #: The profile version the proposal was made for.
    profile_version: Mapped[int | None]
    currency: Mapped[str] = mapped_column(sa.String(3), default="USD")
    #: Optimistic counter: a save based on an older value is refused (and keeps what was typed).
    edit_version: Mapped[int] = mapped_column(default=1)
    sent_at: Mapped[datetime | None]
    #: The first time a member of the client organisation opened the sent set.
    viewed_at: Mapped[datetime | None]

    client: Mapped[AdvisorClient] = relationship(back_populates="sets")
    items: Mapped[list[SetItem]] = relationship(
        back_populates="set", order_by="SetItem.position", cascade="all, delete-orphan"
    )


class SetItem(Base):
    """One tool, course or subsidy of a set: a frozen snapshot, a note, responses, stage."""

    __tablename__ = "advisory_set_items"
    __table_args__ = (
        sa.CheckConstraint("item_kind IN ('tool', 'course', 'subsidy')", name="advisory_item_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(
        sa.ForeignKey("advisory_sets.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    item_kind: Mapped[str] = mapped_column(sa.String(10))
    item_slug: Mapped[str] = mapped_column(sa.String(80), index=True)
    #: Name, price figures and reasons as they were when added (kept as sent).
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    #: The SME's answer: interested / not_relevant, with a reason.
    response: Mapped[str | None] = mapped_column(sa.String(15))
    response_reason: Mapped[str] = mapped_column(sa.Text, default="")
    responded_at: Mapped[datetime | None]
    #: The follow-up stage the advisor recorded (see stages.py) and the date of each stage.
    stage: Mapped[str | None] = mapped_column(sa.String(12), index=True)
    stage_dates: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    #: A tool item's planned contract (or payment) date, checked against grant decisions.
    contract_planned_on: Mapped[date | None]

    set: Mapped[RecommendationSet] = relationship(back_populates="items")


class ClientEvent(Base):
    """One line of a client's timeline: what happened, who did it, and when."""

    __tablename__ = "advisory_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        sa.ForeignKey("advisory_clients.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(sa.String(20))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    client: Mapped[AdvisorClient] = relationship(back_populates="events")


class SentReminder(Base):
    """One reminder mailed to an advisor: the key makes the daily run idempotent."""

    __tablename__ = "advisory_reminders"
    __table_args__ = (
        sa.UniqueConstraint(
            "advisor_id", "item_id", "kind", "due_on", name="advisory_reminder_once"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("advisory_set_items.id", ondelete="CASCADE"), index=True
    )
    #: e.g. "closes_14", "closes_3", "outcome_3", "outcome_12" (see reminders.py).
    kind: Mapped[str] = mapped_column(sa.String(20))
    due_on: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
