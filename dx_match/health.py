"""`/healthz`: the process answers and reaches its database (for load balancers and benchmarks)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from dx_match.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 with {"status": "ok"} when the database answers."""
    db.session.execute(sa.text("SELECT 1"))
    return jsonify(status="ok")
