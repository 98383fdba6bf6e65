"""The search outbox: tool ids whose index entry is out of date, written in the same commit."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dx_match.db import Base, utcnow


class SearchOutbox(Base):
    """One change to apply to the index; drained by the single indexer, then deleted."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    tool_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchState(Base):
    """A generation number bumped after each index change, so every process reloads its sidecar."""

    __tablename__ = "search_state"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    generation: Mapped[int] = mapped_column(sa.BigInteger, default=0)
