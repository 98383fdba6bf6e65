"""Writing and reading the audit log."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from dx_match.accounts.models import User
from dx_match.audit.models import AuditEntry
from dx_match.extensions import db

PAGE_SIZE = 100


def record(
    actor: User | None,
    action: str,
    target_kind: str,
    target_id: str | int,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the caller's session: the caller's commit writes it with the change."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else "system",
        action=action,
        target_kind=target_kind,
        target_id=str(target_id),
        details=details or {},
    )
    db.session.add(entry)
    return entry


def entries(
    *, actor: str = "", target_kind: str = "", target_id: str = "", limit: int = PAGE_SIZE
) -> list[AuditEntry]:
    """The newest entries, filtered by actor e-mail (substring) and target."""
    query = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if actor:
        query = query.where(AuditEntry.actor_email.contains(actor.lower(), autoescape=True))
    if target_kind:
        query = query.where(AuditEntry.target_kind == target_kind)
    if target_id:
        query = query.where(AuditEntry.target_id == target_id)
    return list(db.session.scalars(query.limit(limit)))
