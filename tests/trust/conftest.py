"""Accounts owning demo vendors (the listings tests' fixtures) and helpers for trust tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from dx_match.catalog.exchange import import_catalog
from dx_match.catalog.models import Tool
from dx_match.extensions import db
from dx_match.listings.rows import to_json
from dx_match.listings.services import as_row
from tests.listings.conftest import admin_user, vendor_user

__all__ = ["admin_user", "import_rows", "live_tool", "tool_row", "vendor_user"]


def live_tool(slug: str) -> Tool:
    """A tool by slug."""
    return db.session.scalars(sa.select(Tool).where(Tool.slug == slug)).one()


def tool_row(slug: str) -> dict[str, Any]:
    """A live tool's exchange-format row (JSON values), to change and import again."""
    return to_json(as_row(live_tool(slug)))


def import_rows(directory: Path, rows: list[dict[str, Any]]) -> None:
    """Import tool rows through the real importer; fails the test on any problem."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "tools.json"
    path.write_text(json.dumps({"tools": rows}, ensure_ascii=False), encoding="utf-8")
    report = import_catalog(path)
    assert report.ok, [str(p) for p in report.problems]
