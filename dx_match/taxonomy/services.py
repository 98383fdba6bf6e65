"""Writes to the taxonomy: syncing the built-in terms from catalog/taxonomy.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from dx_match import yamlio
from dx_match.extensions import db
from dx_match.taxonomy.models import TERM_KINDS, Term

BUILTIN_TAXONOMY = Path(__file__).resolve().parents[2] / "catalog" / "taxonomy.yaml"


def load_builtin(path: Path = BUILTIN_TAXONOMY) -> dict[str, list[dict[str, Any]]]:
    """The built-in taxonomy file, by kind."""
    data = yamlio.load(path) or {}
    return {kind: list(data.get(kind) or []) for kind in TERM_KINDS}


def sync_builtin(path: Path = BUILTIN_TAXONOMY) -> int:
    """Upsert the built-in terms (idempotent); return how many rows changed."""
    existing = {(t.kind, t.code): t for t in db.session.scalars(sa.select(Term))}
    changed = 0
    for kind, rows in load_builtin(path).items():
        for row in rows:
            term = existing.get((kind, row["code"]))
            values = {"parent": row.get("parent"), "name": row["name"], "builtin": True}
            if term is None:
                db.session.add(Term(kind=kind, code=row["code"], **values))
                changed += 1
            elif any(getattr(term, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(term, key, value)
                changed += 1
    db.session.commit()
    return changed
