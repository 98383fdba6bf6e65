"""Bulk upload of listings: a YAML/JSON file in the exchange format, or a CSV.

Every row is checked by the importer's rules and reported as `FILE:ROW:FIELD: message`;
nothing is written unless every row is valid, and valid rows become pending revisions.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from dx_match import audit, yamlio
from dx_match.accounts.models import User
from dx_match.catalog.exchange import Problem
from dx_match.extensions import db
from dx_match.listings import services
from dx_match.listings.models import ListingRevision
from dx_match.listings.rows import to_json

MAX_BYTES = 2 * 1024 * 1024
SUFFIXES = (".yaml", ".yml", ".json", ".csv")
#: CSV columns besides the exchange format's own scalar fields (documented in README.md).
#: Lists are separated by spaces or commas; `name_en`/`name_zh-TW`/`name_ja` hold a text's
#: translations; a tool's row describes one plan (`plan_name`, `plan_model`, `plan_price`,
#: `plan_currency`, `plan_min_users`); repeat the slug on further rows for more plans.
#: A course's `session_starts` lists the start dates of its sessions.
CSV_LISTS = {
    "tool": (
        "functions",
        "industries",
        "regions",
        "languages",
        "platforms",
        "integrations",
        "subsidies",
    ),
    "course": ("skills", "functions", "tools", "subsidies"),
}
CSV_TEXTS = {"tool": ("name", "summary", "description"), "course": ("title", "description")}
CSV_NUMBERS = ("min_employees", "max_employees", "trial_days", "hours", "price")
PLAN_COLUMNS = ("name", "model", "price", "currency", "min_users")


@dataclass
class UploadReport:
    """What a bulk upload did: the problems (nothing written) or the revisions it made."""

    problems: list[Problem] = field(default_factory=list)
    revisions: list[ListingRevision] = field(default_factory=list)


def safe_name(filename: str) -> str:
    """The uploaded file's name for reports: its last path part, tame characters only."""
    name = re.split(r"[\\/]", filename or "")[-1]
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:80] or "upload"


def _number(text: str) -> Any:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text  # left as typed: the format's rule names the field and the value
    if not value.is_finite():
        return text
    return int(value) if value == value.to_integral_value() else float(value)


def _csv_record(kind: str, record: dict[str | None, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """One CSV record as a raw row and the plan its plan_* columns describe."""
    raw: dict[str, Any] = {}
    plan: dict[str, Any] = {}
    for column, cell in record.items():
        if column is None or not isinstance(cell, str) or not cell.strip():
            continue  # extra cells without a header, or empty ones
        value = cell.strip()
        base, _, lang = column.partition("_")
        if column.startswith("plan_") and column[5:] in PLAN_COLUMNS:
            name = column[5:]
            plan[name] = _number(value) if name in ("price", "min_users") else value
        elif base in CSV_TEXTS[kind] and lang:
            raw.setdefault(base, {})[lang] = value
        elif column in CSV_LISTS[kind]:
            raw[column] = value.replace(",", " ").split()
        elif column == "session_starts":
            raw["sessions"] = [{"starts": day} for day in value.replace(",", " ").split()]
        elif column in CSV_NUMBERS:
            raw[column] = _number(value)
        else:
            raw[column] = value
    return raw, plan


def _csv_rows(kind: str, text: str) -> list[tuple[int, dict[str, Any]]]:
    """CSV rows as raw exchange-format rows (1-based data row numbers); plan rows merged."""
    rows: list[tuple[int, dict[str, Any]]] = []
    by_slug: dict[str, dict[str, Any]] = {}
    for number, record in enumerate(csv.DictReader(io.StringIO(text)), start=1):
        raw, plan = _csv_record(kind, record)
        slug = raw.get("slug")
        if kind == "tool" and isinstance(slug, str) and slug in by_slug and len(raw) == 1:
            if plan:
                by_slug[slug].setdefault("plans", []).append(plan)
            continue  # a further plan of the tool above
        if plan:
            raw["plans"] = [plan]
        if isinstance(slug, str):
            by_slug[slug] = raw
        rows.append((number, raw))
    return rows


def _read_csv(kind: str, name: str, data: bytes, problems: list[Problem]) -> list[tuple[int, Any]]:
    try:
        return list(_csv_rows(kind, data.decode("utf-8-sig")))
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, 0, "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
    except csv.Error as exc:
        problems.append(Problem(name, 0, "-", f"invalid CSV: {exc}"))
    return []


def _read_catalog(kind: str, name: str, data: bytes, problems: list[Problem]) -> Any:
    """The list under the kind's top-level key of a YAML/JSON file, or None after a problem."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"upload{Path(name).suffix.lower()}"  # never the user's name
        path.write_bytes(data)
        try:
            content = yamlio.load(path)
        except yamlio.LoadError as exc:
            problems.append(Problem(name, 0, "-", str(exc)))
            return None
        except RecursionError:  # the parsers recurse per nesting level
            problems.append(Problem(name, 0, "-", "nested too deeply to be a catalog"))
            return None
    key = f"{kind}s"
    if content is None:
        return []  # an empty file: reported as holding no rows
    if not isinstance(content, dict) or set(content) - {key}:
        problems.append(Problem(name, 0, "-", f"the file must hold only the top-level key {key}"))
        return None
    items = content.get(key) or []
    if not isinstance(items, list):
        problems.append(Problem(name, 0, key, "must be a list of rows"))
        return None
    return items


def _file_rows(kind: str, name: str, data: bytes, problems: list[Problem]) -> list[tuple[int, Any]]:
    if Path(name).suffix.lower() == ".csv":
        return _read_csv(kind, name, data, problems)
    items = _read_catalog(kind, name, data, problems)
    return list(enumerate(items or [], start=1))


def upload(actor: User | None, kind: str, filename: str, data: bytes) -> UploadReport:
    """Check every row of an uploaded file; if all are valid, keep them as pending revisions."""
    vendor = services.owner_vendor(actor, kind)
    report = UploadReport()
    name = safe_name(filename)
    if Path(name).suffix.lower() not in SUFFIXES:
        report.problems.append(
            Problem(name, 0, "-", str(_l("Upload a .yaml, .yml, .json or .csv file.")))
        )
        return report
    if len(data) > MAX_BYTES:
        report.problems.append(Problem(name, 0, "-", str(_l("The file is larger than 2 MB."))))
        return report
    rows = _file_rows(kind, name, data, report.problems)
    checked: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, raw in rows:
        if not isinstance(raw, dict):
            report.problems.append(
                Problem(name, number, "-", "a row must be a map of field: value")
            )
            continue
        revision = None
        if isinstance(raw.get("slug"), str):
            revision = services.open_revision(kind, raw["slug"], vendor.id)
            if raw["slug"] in seen:
                message = f"duplicate slug {raw['slug']!r}, first at {name}:{seen[raw['slug']]}"
                report.problems.append(Problem(name, number, "slug", message))
            seen.setdefault(raw["slug"], number)
        try:
            checked.append(services.validated_row(kind, raw, vendor, revision))
        except services.ListingInvalid as exc:
            report.problems.extend(Problem(name, number, f, m) for f, m in exc.problems)
    if not rows and not report.problems:
        report.problems.append(Problem(name, 0, "-", str(_l("The file holds no rows."))))
    if report.problems:
        return report
    for row in checked:
        base = services.live_base(kind, row["slug"])
        revision = services.open_revision(kind, row["slug"], vendor.id) or ListingRevision(
            kind=kind, slug=row["slug"], vendor_id=vendor.id
        )
        revision.row = to_json(row)
        revision.base = base
        revision.author = actor
        revision.state = "pending"
        revision.reason = None
        db.session.add(revision)
        report.revisions.append(revision)
    db.session.flush()
    audit.record(
        actor, "listing.upload", kind, name, {"revisions": [r.id for r in report.revisions]}
    )
    db.session.commit()
    return report
