"""Public catalog pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("catalog", __name__)


@bp.get("/")
def home() -> str:
    """Home page."""
    return "dx_match"
