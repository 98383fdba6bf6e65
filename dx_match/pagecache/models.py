"""The catalog token: one row whose value changes in the same commit as any catalog change."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dx_match.db import Base


class CatalogState(Base):
    """A random token replaced by every flush that touches the catalog or the taxonomy.

    Random, not a counter: a rolled-back transaction or a restored backup must never bring
    back a value that once named other content (a cached page would then be served for it).
    """

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    token: Mapped[str] = mapped_column(sa.String(32))
