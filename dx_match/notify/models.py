"""The outbox: every e-mail the site sends, written in the transaction that causes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dx_match.db import Base, utcnow

#: pending: waiting for (another) attempt; sent: accepted by SMTP; failed: gave up (kept).
STATUSES = ("pending", "sent", "failed")


class OutboxMessage(Base):
    """One e-mail with its delivery state."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="outbox_status"),
        sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str | None] = mapped_column(sa.Text)
    #: The template it was rendered from (for tests and for the operator's overview).
    template: Mapped[str] = mapped_column(sa.String(60))
    locale: Mapped[str] = mapped_column(sa.String(5))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class Notification(Base):
    """One in-app notice for one user; its text is rendered from `kind` + `params` when shown."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The bell's unread COUNT and the newest-first page both read this index.
        sa.Index("ix_notifications_user_unread", "user_id", "read_at"),
        sa.Index("ix_notifications_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(60))
    #: JSON values for the kind's format string; a {language: text} map is picked per reader.
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: A path on this site (validated when written).
    link: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(index=True)


class NotificationPreference(Base):
    """A user's choice to get (or not) one kind of notification by e-mail too.

    Only choices that were made are stored; otherwise the kind's default applies.
    """

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    email: Mapped[bool]
