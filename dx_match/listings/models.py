"""A listing revision: a proposed tool or course row waiting for (or past) review.

The live `Tool`/`Course` row is only written when an admin approves, so a published listing
stays live, unchanged, while its edit is reviewed.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dx_match.accounts.models import User
from dx_match.catalog.models import Vendor
from dx_match.db import Base, TimestampMixin

LISTING_KINDS = ("tool", "course")
REVISION_STATES = ("draft", "pending", "approved", "rejected")
#: The base of a revision that creates a new listing (there is no live row to be stale against).
NEW_BASE = "new"


class ListingRevision(TimestampMixin, Base):
    """An exchange-format row (JSON-safe canonical form) proposed for a tool or course."""

    __tablename__ = "listing_revisions"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('tool', 'course')", name="revision_kind"),
        sa.CheckConstraint(
            "state IN ('draft', 'pending', 'approved', 'rejected')", name="revision_state"
        ),
        sa.Index("ix_listing_revisions_kind_slug", "kind", "slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(6))
    slug: Mapped[str] = mapped_column(sa.String(80))
    vendor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vendors.id", ondelete="CASCADE"), index=True
    )
    row: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    state: Mapped[str] = mapped_column(sa.String(10), default="draft", index=True)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # A fingerprint of the live row this edit started from (NEW_BASE for a new listing):
    # saving or approving on a different live row is a conflict, never a silent overwrite.
    base: Mapped[str] = mapped_column(sa.String(64))
    version: Mapped[int] = mapped_column(default=1)

    # Two tabs editing the same draft: the second save raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    vendor: Mapped[Vendor] = relationship()
    author: Mapped[User | None] = relationship()
