"""Between listing forms and exchange-format rows: what the form holds as a raw row, a stored
row as form data, and the service's (field, message) problems put back on their fields."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from dx_match.listings.forms import SPARE_ROWS, TEXT_LANGUAGES, split_list
from dx_match.listings.logos import is_logo_name

TEXT_FIELDS = {
    "tool": ("name", "summary", "description"),
    "course": ("title", "description"),
    "subsidy": ("name", "agency", "description"),
}
LIST_FIELDS = {
    "tool": ("functions", "industries", "platforms", "subsidies"),
    "course": ("skills", "functions", "subsidies"),
    "subsidy": ("expense_types",),
}
SPLIT_FIELDS = {
    "tool": ("regions", "languages", "integrations"),
    "course": ("tools",),
    "subsidy": ("regions", "industries"),
}
SCALAR_FIELDS = {
    "tool": ("slug", "deployment", "min_employees", "max_employees", "trial_days", "source_url"),
    "course": ("slug", "level", "format", "language", "region", "hours", "price", "currency"),
    "subsidy": (
        "slug", "sme_definition", "max_employees", "max_capital", "rate", "max_amount",
        "min_amount", "currency", "opens", "closes", "url", "verified_at", "source_url",
    ),
}  # fmt: skip
ROWS_FIELD = {"tool": "plans", "course": "sessions"}  # subsidies have no editor rows


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _rows(kind: str, form: Any) -> tuple[list[dict[str, Any]], list[int]]:
    """The filled plan (or session) rows, and the form entry each one came from."""
    kept: list[int] = []
    rows: list[dict[str, Any]] = []
    if kind not in ROWS_FIELD:
        return rows, kept
    for index, entry in enumerate(getattr(form, ROWS_FIELD[kind]).entries):
        data = {k: _number(v) for k, v in entry.form.data.items() if v not in (None, "")}
        # An empty row of the editor is skipped; a plan needs its model to count as filled.
        if not data or (kind == "tool" and "model" not in data):
            continue
        if "starts" in data:
            data["starts"] = data["starts"].isoformat()
        rows.append(data)
        kept.append(index)
    return rows, kept


def form_to_row(kind: str, form: Any) -> tuple[dict[str, Any], list[int]]:
    """The raw exchange-format row the form holds, and which entry each kept plan/session is."""
    row: dict[str, Any] = {}
    for name in TEXT_FIELDS[kind]:
        texts = {
            tag: getattr(form, f"{name}_{suffix}").data.strip()
            for tag, suffix in TEXT_LANGUAGES
            if (getattr(form, f"{name}_{suffix}").data or "").strip()
        }
        if texts:
            row[name] = texts
    for name in LIST_FIELDS[kind]:
        if getattr(form, name).data:
            row[name] = list(getattr(form, name).data)
    for name in SPLIT_FIELDS[kind]:
        if items := split_list(getattr(form, name).data):
            row[name] = items
    for name in SCALAR_FIELDS[kind]:
        value = getattr(form, name).data
        if value not in (None, ""):
            row[name] = _number(value.strip() if isinstance(value, str) else value)
    rows, kept = _rows(kind, form)
    if rows:
        row[ROWS_FIELD[kind]] = rows
    if kind == "subsidy" and form.registered_tools_only.data:
        row["registered_tools_only"] = True
    return row, kept


def row_to_data(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    """Form data for editing a stored row (the inverse of `form_to_row`)."""
    data: dict[str, Any] = {}
    for name in TEXT_FIELDS[kind]:
        value = row.get(name)
        # A plain string has no language tag: it is shown (and saved again) as English.
        texts = {"en": value} if isinstance(value, str) else dict(value or {})
        for tag, suffix in TEXT_LANGUAGES:
            data[f"{name}_{suffix}"] = texts.get(tag, "")
    for name in LIST_FIELDS[kind]:
        data[name] = list(row.get(name, []))
    for name in SPLIT_FIELDS[kind]:
        data[name] = ", ".join(row.get(name, []))
    for name in SCALAR_FIELDS[kind]:
        data[name] = row.get(name)
    if kind not in ROWS_FIELD:
        data["registered_tools_only"] = bool(row.get("registered_tools_only"))
        for name in ("opens", "closes", "verified_at"):
            if isinstance(data.get(name), str):
                data[name] = date.fromisoformat(data[name])
        return data
    entries = [dict(item) for item in row.get(ROWS_FIELD[kind], [])]
    if kind == "course":
        for item in entries:
            if isinstance(item.get("starts"), str):
                item["starts"] = date.fromisoformat(item["starts"])
    data[ROWS_FIELD[kind]] = entries + [{} for _ in range(SPARE_ROWS)]
    data["logo_name"] = row.get("logo") if is_logo_name(row.get("logo")) else ""
    return data


def show_problems(
    kind: str, form: Any, problems: list[tuple[str, str]], kept: list[int]
) -> list[str]:
    """Put each (field, message) on its form field; return those that belong to no field."""
    unplaced: list[str] = []
    rows = getattr(form, ROWS_FIELD.get(kind, "-"), None)
    for name, message in problems:
        target = None
        if rows is not None and name.startswith(ROWS_FIELD[kind] + "["):
            position, _, sub = name[len(ROWS_FIELD[kind]) + 1 :].partition("].")
            if position.isdigit() and 0 < int(position) <= len(kept):
                target = getattr(rows.entries[kept[int(position) - 1]].form, sub, None)
        elif name in TEXT_FIELDS[kind]:
            target = getattr(form, f"{name}_en")
        else:
            target = getattr(form, name, None)
        if target is None or not hasattr(target, "errors"):
            unplaced.append(f"{name}: {message}")
            continue
        if isinstance(target.errors, dict | tuple):
            target.errors = []
        target.errors = [*target.errors, message]
    return unplaced
