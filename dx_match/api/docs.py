"""`/api/docs`: Swagger UI over `/api/openapi.json`, from shipped files only (no CDN)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

bp = Blueprint("api_docs", __name__, url_prefix="/api")


@bp.get("/docs")
def docs() -> str:
    """Interactive API documentation; its script reads the document's URL from a data attribute."""
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))
