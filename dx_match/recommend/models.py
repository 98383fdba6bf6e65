"""Feedback on recommendations: who reacted to which item, how, and for what profile."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dx_match.db import Base, TimestampMixin

SIGNALS = ("accept", "dismiss", "pick", "adopt")
ITEM_KINDS = ("tool", "course", "subsidy")
ACTOR_KINDS = ("sme", "advisor")


class Feedback(TimestampMixin, Base):
    """One reaction: an SME accepts or dismisses, an advisor picks, a company adopts."""

    __tablename__ = "recommend_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_kind: Mapped[str] = mapped_column(sa.String(10))
    actor_id: Mapped[str | None] = mapped_column(sa.String(80))
    item_kind: Mapped[str] = mapped_column(sa.String(10))
    item_slug: Mapped[str] = mapped_column(sa.String(80), index=True)
    signal: Mapped[str] = mapped_column(sa.String(10))
    # The profile as the recommendation saw it (spec shape), so training replays it.
    profile: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
