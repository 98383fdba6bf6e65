"""Keeping the index in step: every change to a tool writes an outbox row in the same commit.

The index itself is never written inside a request; `SearchService.drain`
(run by the indexer worker, after imports, and by `dx-match search drain`)
applies the outbox after commit.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dx_match.catalog.models import (
    Plan,
    Subsidy,
    Tool,
    ToolFunction,
    ToolIndustry,
    ToolLanguage,
    ToolRegion,
    Vendor,
)
from dx_match.search.models import SearchOutbox

_LINKS = (Plan, ToolFunction, ToolIndustry, ToolRegion, ToolLanguage)


def _changed_tool_ids(session: Session) -> set[int]:
    ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Tool) and obj.id is not None:
            if obj in session.dirty and not session.is_modified(obj):
                continue
            ids.add(obj.id)
        elif isinstance(obj, _LINKS) and obj.tool_id is not None:
            ids.add(obj.tool_id)
        elif isinstance(obj, Vendor | Subsidy) and obj.id is not None and obj not in session.new:
            # A vendor's name and a subsidy's slug are part of its tools' documents.
            ids.update(t.id for t in _tools_of(session, obj) if t.id is not None)
    return ids


def _tools_of(session: Session, obj: Vendor | Subsidy) -> list[Tool]:
    if isinstance(obj, Vendor):
        return list(session.scalars(sa.select(Tool).where(Tool.vendor_id == obj.id)))
    return list(session.scalars(sa.select(Tool).where(Tool.subsidies.any(Subsidy.id == obj.id))))


@sa.event.listens_for(Session, "after_flush")
def _record_changes(session: Session, _context: Any) -> None:
    """Queue the changed tools; the rows are flushed with the same commit."""
    with session.no_autoflush:
        ids = _changed_tool_ids(session)
    for tool_id in sorted(ids):
        session.add(SearchOutbox(tool_id=tool_id))
