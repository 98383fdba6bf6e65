"""Import and export of catalogs in the exchange format (shared/spec/catalog-format.md).

Import reads every file, validates every row against the format and against
what exists (in the catalog or the database), and writes only when there is
no problem at all, in one transaction, upserting by slug.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from blinker import Namespace

from dx_match import yamlio
from dx_match.catalog import canonical
from dx_match.catalog.models import (
    Course,
    CourseSession,
    Plan,
    Subsidy,
    Tool,
    ToolFunction,
    ToolIndustry,
    ToolLanguage,
    ToolRegion,
    Vendor,
)
from dx_match.catalog.validation import (
    COURSE_FIELDS,
    PLAN_FIELDS,
    SESSION_FIELDS,
    SUBSIDY_FIELDS,
    TOOL_FIELDS,
    VENDOR_FIELDS,
    Known,
    Problems,
    check_course,
    check_subsidy,
    check_term,
    check_tool,
    check_vendor,
)
from dx_match.extensions import db
from dx_match.taxonomy.models import TERM_KINDS, Term

ROW_KINDS = ("vendors", "subsidies", "tools", "courses")
FILE_STEMS = ("taxonomy", "vendors", "tools", "subsidies", "courses")
SUFFIXES = (".yaml", ".yml", ".json")
# The key each file's rows are under; a single file given on the command line may hold several.
TOP_LEVEL_KEYS = (*TERM_KINDS, *ROW_KINDS)


@dataclass(frozen=True)
class Problem:
    """One problem, printed as FILE:ROW:FIELD: message (ROW 0 is the file itself)."""

    file: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.field}: {self.message}"


@dataclass
class RawRow:
    """A row as read, with where it came from."""

    file: str
    row: int
    data: Any


@dataclass
class ImportReport:
    """What an import did (or would have done), per kind."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        """True when nothing was wrong."""
        return not self.problems

    def summary(self) -> str:
        """One line per kind: created, updated, unchanged."""
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return "\n".join(
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged"
            for kind in kinds
        )


def catalog_files(path: Path) -> tuple[list[Path], list[str]]:
    """The files of a catalog directory (by the format's names), or the one file given."""
    if path.is_file():
        return [path], []
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such file or directory")
    files = [path / f"{stem}{suffix}" for stem in FILE_STEMS for suffix in SUFFIXES]
    found = [f for f in files if f.is_file()]
    skipped = sorted(
        p.name for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file() and p not in found
    )
    notes = [
        f"{path / name}: not a catalog file name ({', '.join(FILE_STEMS)}), skipped"
        for name in skipped
    ]
    return found, notes


def read_rows(files: list[Path], report: ImportReport) -> dict[str, list[RawRow]]:
    """Parse the files into raw rows by top-level key, recording file-level problems."""
    rows: dict[str, list[RawRow]] = {key: [] for key in TOP_LEVEL_KEYS}
    for path in files:
        name = str(path)
        try:
            data = yamlio.load(path)
        except yamlio.LoadError as exc:
            report.problems.append(Problem(name, 0, "-", str(exc)))
            continue
        if data is None:
            continue  # an empty file is an empty catalog
        if not isinstance(data, dict):
            report.problems.append(
                Problem(name, 0, "-", "the file must be a map of top-level keys")
            )
            continue
        for key, items in data.items():
            if key not in TOP_LEVEL_KEYS:
                expected = ", ".join(TOP_LEVEL_KEYS)
                report.problems.append(
                    Problem(name, 0, str(key), f"unknown top-level key; expected {expected}")
                )
            elif items is None:
                continue
            elif not isinstance(items, list):
                report.problems.append(Problem(name, 0, key, "must be a list of rows"))
            else:
                rows[key].extend(
                    RawRow(name, index, item) for index, item in enumerate(items, start=1)
                )
    return rows


def _field(data: Any, name: str) -> Any:
    return data.get(name) if isinstance(data, dict) else None


def known_from_database() -> Known:
    """Codes and slugs that exist in the database."""
    known = Known()
    for kind, code in db.session.execute(sa.select(Term.kind, Term.code)):
        known.terms.setdefault(kind, set()).add(code)
    known.vendors = dict(db.session.execute(sa.select(Vendor.slug, Vendor.kind)).all())
    known.tools = set(db.session.scalars(sa.select(Tool.slug)))
    known.subsidies = set(db.session.scalars(sa.select(Subsidy.slug)))
    return known


def validate(
    rows: dict[str, list[RawRow]], known: Known, report: ImportReport
) -> dict[str, list[dict[str, Any]]]:
    """Validate every row; return canonical rows by kind. Problems go to the report."""

    def record(raw: RawRow, problems: Problems) -> None:
        report.problems.extend(Problem(raw.file, raw.row, f, m) for f, m in problems)

    # What the catalog itself adds to what rows may refer to.
    for kind in TERM_KINDS:
        known.terms.setdefault(kind, set()).update(
            c for c in (_field(r.data, "code") for r in rows[kind]) if isinstance(c, str)
        )
    for raw in rows["vendors"]:
        if isinstance(slug := _field(raw.data, "slug"), str):
            known.vendors[slug] = str(_field(raw.data, "kind") or "software")
    known.tools.update(
        s for s in (_field(r.data, "slug") for r in rows["tools"]) if isinstance(s, str)
    )
    known.subsidies.update(
        s for s in (_field(r.data, "slug") for r in rows["subsidies"]) if isinstance(s, str)
    )

    valid: dict[str, list[dict[str, Any]]] = {}
    for kind in TERM_KINDS:
        valid[kind] = []
        for raw in rows[kind]:
            row, problems = check_term(raw.data, kind, known.terms[kind])
            record(raw, problems)
            valid[kind].append(row)
    checks: dict[str, Callable[[Any, Known], tuple[dict[str, Any], Problems]]] = {
        "vendors": check_vendor,
        "subsidies": check_subsidy,
        "tools": check_tool,
        "courses": check_course,
    }
    for kind, check in checks.items():
        valid[kind] = []
        for raw in rows[kind]:
            row, problems = check(raw.data, known)
            record(raw, problems)
            valid[kind].append(row)
    for kind in (*TERM_KINDS, *ROW_KINDS):
        key = "code" if kind in TERM_KINDS else "slug"
        first_seen: dict[str, RawRow] = {}
        for raw in rows[kind]:
            value = _field(raw.data, key)
            if not isinstance(value, str):
                continue
            if value in first_seen:
                where = first_seen[value]
                message = f"duplicate {key} {value!r}, first at {where.file}:{where.row}"
                report.problems.append(Problem(raw.file, raw.row, key, message))
            else:
                first_seen[value] = raw
    return valid


def import_catalog(path: Path, *, dry_run: bool = False) -> ImportReport:
    """Validate the whole catalog, then write it in one transaction unless anything is wrong."""
    report = ImportReport()
    files, report.notes = catalog_files(path)
    rows = read_rows(files, report)
    valid = validate(rows, known_from_database(), report)
    if report.problems or dry_run:
        return report
    writer = _Writer(report)
    for kind in TERM_KINDS:
        for row in valid[kind]:
            writer.term(kind, row)
    for row in valid["vendors"]:
        writer.upsert("vendors", Vendor, row, canonical.vendor_row, _apply_vendor)
    db.session.flush()
    for row in valid["subsidies"]:
        writer.upsert("subsidies", Subsidy, row, canonical.subsidy_row, _apply_subsidy)
    db.session.flush()
    for row in valid["tools"]:
        writer.upsert("tools", Tool, row, canonical.tool_row, _apply_tool)
    db.session.flush()
    for row in valid["courses"]:
        writer.upsert("courses", Course, row, canonical.course_row, _apply_course)
    db.session.commit()
    return report


#: Sent after a tool row is written (created or updated, before the commit) with `before`, the
#: tool's plans as they were (`plan_prices`; empty for a new tool), and `source` ("import" or
#: "moderation"): the price history listens, so catalog imports nothing above it.
tool_written = Namespace().signal("tool-written")

PlanPrices = list[tuple[Any, str, Any, Any]]


def plan_prices(tool: Tool) -> PlanPrices:
    """A tool's plans as (name, model, price, currency), in their listed order."""
    return [(plan.name, plan.model, plan.price, plan.currency) for plan in tool.plans]


#: How each kind of row is written: model, canonical form, and the function filling a model.
WRITERS: dict[
    str, tuple[Any, Callable[[Any], dict[str, Any]], Callable[[Any, dict[str, Any]], None]]
]


def upsert_row(kind: str, row: dict[str, Any], *, source: str = "moderation") -> str:
    """Write one validated canonical row exactly as the importer does (no commit).

    Returns "created", "updated" or "unchanged"; used by the dashboards' approvals so a
    listing approved in the browser and an imported one can never differ.
    """
    report = ImportReport()
    model, as_row, apply = WRITERS[kind]
    _Writer(report, source).upsert(kind, model, row, as_row, apply)
    db.session.flush()
    for outcome, counter in (
        ("created", report.created),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
    ):
        if counter[kind]:
            return outcome
    raise AssertionError("the writer counted nothing")  # pragma: no cover


def upsert_term(kind: str, row: dict[str, Any]) -> str:
    """Write one validated taxonomy term as the importer does (no commit); the outcome."""
    report = ImportReport()
    _Writer(report).term(kind, row)
    return "created" if report.created[kind] else "updated" if report.updated[kind] else "unchanged"


class _Writer:
    """Upserts canonical rows by slug, counting what changed."""

    def __init__(self, report: ImportReport, source: str = "import") -> None:
        self.report = report
        self.source = source

    def term(self, kind: str, row: dict[str, Any]) -> None:
        term = db.session.scalar(sa.select(Term).filter_by(kind=kind, code=row["code"]))
        if term is not None and term.builtin:
            self.report.notes.append(f"{kind} {row['code']}: a built-in code; its labels are kept")
            self.report.unchanged[kind] += 1
            return
        parent = row.get("parent") or _parent_by_prefix(kind, row["code"])
        # Compare with the parent found by prefix too, or a second import would "update" it.
        if term is not None and canonical.term_row(term) == row | (
            {"parent": parent} if parent else {}
        ):
            self.report.unchanged[kind] += 1
            return
        if term is None:
            db.session.add(Term(kind=kind, code=row["code"], parent=parent, name=row["name"]))
            self.report.created[kind] += 1
        else:
            term.parent, term.name = parent, row["name"]
            self.report.updated[kind] += 1
        db.session.flush()

    def upsert(
        self,
        kind: str,
        model: type[Vendor] | type[Tool] | type[Subsidy] | type[Course],
        row: dict[str, Any],
        as_row: Callable[[Any], dict[str, Any]],
        apply: Callable[[Any, dict[str, Any]], None],
    ) -> None:
        obj = db.session.scalar(sa.select(model).filter_by(slug=row["slug"]))
        if obj is None:
            obj = model()
            db.session.add(obj)
            self.report.created[kind] += 1
        elif as_row(obj) == row:
            self.report.unchanged[kind] += 1
            return
        else:
            self.report.updated[kind] += 1
        before = plan_prices(obj) if isinstance(obj, Tool) and obj.id is not None else []
        with db.session.no_autoflush:  # a half-filled new row must not be flushed by a lookup
            apply(obj, row)
        if isinstance(obj, Tool):
            tool_written.send(obj, before=before, source=self.source)


def _parent_by_prefix(kind: str, code: str) -> str | None:
    """The longest existing code of the same kind that the new code extends."""
    codes = db.session.scalars(sa.select(Term.code).filter_by(kind=kind)).all()
    candidates = [c for c in codes if c != code and code.startswith(c)]
    return max(candidates, key=len) if candidates else None


def _extra(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in fields}


def _by_slug(model: type[Subsidy] | type[Tool], slugs: list[str]) -> list[Any]:
    if not slugs:
        return []
    return list(
        db.session.scalars(sa.select(model).where(model.slug.in_(slugs)).order_by(model.slug))
    )


def _vendor(slug: str) -> Vendor:
    return db.session.execute(sa.select(Vendor).filter_by(slug=slug)).scalar_one()


def _apply_vendor(vendor: Vendor, row: dict[str, Any]) -> None:

    vendor.slug = row["slug"]
    vendor.name = row["name"]
    vendor.kind = row.get("kind", "software")
    vendor.startup = row.get("startup", False)
    vendor.country = row.get("country")
    vendor.website = row.get("website")
    vendor.description = row.get("description")
    vendor.extra = _extra(row, VENDOR_FIELDS)


def _links(
    cls: type[ToolFunction | ToolIndustry | ToolRegion | ToolLanguage], codes: list[str]
) -> list[Any]:
    return [cls(code=code, position=index) for index, code in enumerate(codes)]


def _apply_tool(tool: Tool, row: dict[str, Any]) -> None:

    if tool.id is not None:
        # Replace links wholesale: delete the old ones first (their keys come back), and before
        # touching the tool's own columns, so the row is updated (and its version bumped) once.
        tool.function_links, tool.industry_links, tool.region_links, tool.language_links = (
            [],
            [],
            [],
            [],
        )
        tool.plans = []
        db.session.flush()
    tool.slug = row["slug"]
    tool.vendor = _vendor(row["vendor"])
    tool.name = row["name"]
    tool.summary = row.get("summary")
    tool.description = row.get("description")
    tool.function_links = _links(ToolFunction, row["functions"])
    tool.industry_links = _links(ToolIndustry, row.get("industries", []))
    tool.region_links = _links(ToolRegion, row.get("regions", []))
    tool.language_links = _links(ToolLanguage, row.get("languages", []))
    tool.deployment = row.get("deployment")
    tool.platforms = row.get("platforms", [])
    tool.min_employees = row.get("min_employees")
    tool.max_employees = row.get("max_employees")
    tool.trial_days = row.get("trial_days", 0)
    tool.integrations = row.get("integrations", [])
    tool.plans = [
        Plan(
            position=index,
            name=plan.get("name"),
            model=plan["model"],
            price=plan.get("price"),
            currency=plan.get("currency"),
            min_users=plan.get("min_users"),
            extra=_extra(plan, PLAN_FIELDS),
        )
        for index, plan in enumerate(row["plans"])
    ]
    tool.subsidies = _by_slug(Subsidy, row.get("subsidies", []))
    tool.status = row.get("status", "published")
    tool.verified_at = row.get("verified_at")
    tool.source_url = row.get("source_url")
    tool.extra = _extra(row, TOOL_FIELDS)


def _apply_subsidy(subsidy: Subsidy, row: dict[str, Any]) -> None:

    subsidy.slug = row["slug"]
    subsidy.name = row["name"]
    subsidy.agency = row.get("agency")
    subsidy.regions = row["regions"]
    subsidy.industries = row.get("industries", [])
    subsidy.sme_definition = row.get("sme_definition", "none")
    subsidy.max_employees = row.get("max_employees")
    subsidy.max_capital = row.get("max_capital")
    subsidy.expense_types = row["expense_types"]
    subsidy.rate = row["rate"]
    subsidy.max_amount = row["max_amount"]
    subsidy.min_amount = row.get("min_amount")
    subsidy.currency = row["currency"]
    subsidy.registered_tools_only = row.get("registered_tools_only", False)
    subsidy.opens = row.get("opens")
    subsidy.closes = row.get("closes")
    subsidy.url = row.get("url")
    subsidy.description = row.get("description")
    subsidy.verified_at = row.get("verified_at")
    subsidy.source_url = row.get("source_url")
    subsidy.extra = _extra(row, SUBSIDY_FIELDS)


def _apply_course(course: Course, row: dict[str, Any]) -> None:

    course.slug = row["slug"]
    course.provider = _vendor(row["provider"])
    course.title = row["title"]
    course.description = row.get("description")
    course.skills = row["skills"]
    course.functions = row.get("functions", [])
    course.tools = _by_slug(Tool, row.get("tools", []))
    course.level = row.get("level")
    course.format = row.get("format")
    course.language = row.get("language")
    course.region = row.get("region")
    course.hours = row.get("hours")
    course.price = row.get("price")
    course.currency = row.get("currency")
    course.sessions = [
        CourseSession(
            position=index,
            starts=session["starts"],
            capacity=session.get("capacity"),
            extra=_extra(session, SESSION_FIELDS),
        )
        for index, session in enumerate(row.get("sessions", []))
    ]
    course.subsidies = _by_slug(Subsidy, row.get("subsidies", []))
    course.status = row.get("status", "published")
    course.extra = _extra(row, COURSE_FIELDS)


WRITERS = {
    "vendors": (Vendor, canonical.vendor_row, _apply_vendor),
    "subsidies": (Subsidy, canonical.subsidy_row, _apply_subsidy),
    "tools": (Tool, canonical.tool_row, _apply_tool),
    "courses": (Course, canonical.course_row, _apply_course),
}


def _all(model: type[Any]) -> Iterator[Any]:
    yield from db.session.scalars(sa.select(model).order_by(model.slug))


def export_catalog(directory: Path, *, suffix: str = ".yaml") -> list[Path]:
    """Write the database out in the exchange format, one file per top-level key group."""
    directory.mkdir(parents=True, exist_ok=True)
    extra_terms: dict[str, list[dict[str, Any]]] = {}
    for kind in TERM_KINDS:
        terms = db.session.scalars(
            sa.select(Term).filter_by(kind=kind, builtin=False).order_by(Term.code)
        ).all()
        if terms:
            extra_terms[kind] = [canonical.term_row(term) for term in terms]
    contents: dict[str, dict[str, Any]] = {
        "vendors": {"vendors": [canonical.vendor_row(v) for v in _all(Vendor)]},
        "tools": {"tools": [canonical.tool_row(t) for t in _all(Tool)]},
        "subsidies": {"subsidies": [canonical.subsidy_row(s) for s in _all(Subsidy)]},
        "courses": {"courses": [canonical.course_row(c) for c in _all(Course)]},
    }
    if extra_terms:
        contents = {"taxonomy": extra_terms} | contents
    written = []
    for stem, data in contents.items():
        path = directory / f"{stem}{suffix}"
        yamlio.dump(data, path)
        written.append(path)
    return written
