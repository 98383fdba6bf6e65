"""The admins' audit log page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from dx_match.accounts.permissions import role_required
from dx_match.audit import services

bp = Blueprint("audit", __name__)


@bp.get("/admin/audit")
@role_required("admin")
def audit_log() -> ResponseReturnValue:
    """The newest entries, filtered by actor or target."""
    filters = {
        name: request.args.get(name, "")[:254].strip()
        for name in ("actor", "target_kind", "target_id")
    }
    found = services.entries(
        actor=filters["actor"], target_kind=filters["target_kind"], target_id=filters["target_id"]
    )
    return render_template("admin/audit.html", entries=found, filters=filters)
