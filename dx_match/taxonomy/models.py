"""The taxonomy term table: one row per code, with translated labels."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dx_match.db import Base

TERM_KINDS = ("industries", "functions", "skills", "challenges", "regions")


class Term(Base):
    """A taxonomy code with its parent and labels; `builtin` rows come from taxonomy.yaml."""

    __tablename__ = "taxonomy_terms"
    __table_args__ = (sa.UniqueConstraint("kind", "code", name="uq_taxonomy_terms_kind_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    code: Mapped[str] = mapped_column(sa.String(40))
    parent: Mapped[str | None] = mapped_column(sa.String(40))
    name: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    builtin: Mapped[bool] = mapped_column(default=False)
