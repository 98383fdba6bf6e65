"""Listing forms: every exchange-format field of a tool or course, per-field errors.

The forms only parse what was typed (numbers, dates, lists); the rules of the format are the
importer's own (`catalog/validation.py`), applied by the service, whose problems are put back
on the fields here (`show_problems`) so the user sees each next to what they typed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from dx_match.accounts.forms import printable
from dx_match.catalog.models import (
    COURSE_FORMATS,
    COURSE_LEVELS,
    DEPLOYMENTS,
    PLAN_MODELS,
    PLATFORMS,
)
from dx_match.catalog.validation import HOURS_MAX, MONEY_MAX
from dx_match.listings.logos import is_logo_name

#: The languages a listing's texts are typed in, and the suffix of their form fields.
TEXT_LANGUAGES = (("en", "en"), ("zh-TW", "zh_TW"), ("ja", "ja"))
#: Empty plan or session rows offered besides the filled ones (the page works without JS).
SPARE_ROWS = 2
MAX_ROWS = 50


def _options(empty: Any, values: tuple[str, ...]) -> list[SelectChoice]:
    """A select's choices: an empty "not said" option, then the format's words."""
    return [SelectChoice("", empty), *(SelectChoice(v, v) for v in values)]


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]
    """A group of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def amount(maximum: Decimal) -> Any:
    """A finite number from 0 to `maximum` (NaN and infinity are refused, never compared)."""

    def check(_form: Any, field: Any) -> None:
        value = field.data
        if value is None:
            return
        if not value.is_finite():
            raise StopValidation(_l("Enter a number, not NaN or infinity."))
        if value < 0:
            raise StopValidation(_l("Enter a number of 0 or more."))
        if value > maximum:
            raise StopValidation(_l("This number is too large."))

    return check


def _text(label: Any, max_length: int, area: bool = False) -> Any:
    field = TextAreaField if area else StringField
    return field(label, validators=[Optional(), Length(max=max_length), printable_text])


def printable_text(_form: Any, field: Any) -> None:
    """Like `printable`, but a text area may hold line breaks and tabs."""
    value = field.data or ""
    if isinstance(value, str) and any(
        (ord(ch) < 32 and ch not in "\n\r\t") or ord(ch) == 127 or 0xD800 <= ord(ch) <= 0xDFFF
        for ch in value
    ):
        raise ValidationError(_l("Remove the control characters from this field."))


def _list_text(label: Any, description: Any = None) -> StringField:
    return StringField(
        label, description=description, validators=[Optional(), Length(max=2000), printable]
    )


def split_list(value: str | None) -> list[str]:
    """Comma- or space-separated words, as typed ("TW, JP-13" -> ["TW", "JP-13"])."""
    return [item for item in (value or "").replace("，", ",").replace(",", " ").split() if item]


class _Locking(FlaskForm):  # type: ignore[misc]
    """The optimistic-lock fields every listing form carries."""

    base = HiddenField()
    revision_id = HiddenField()
    revision_version = HiddenField()


def _logo() -> FileField:
    return FileField(
        _l("Logo"),
        description=_l("PNG, JPEG, WebP or GIF, at most 1 MB; shown at up to 512 pixels."),
    )


class PlanForm(Form):  # type: ignore[misc]
    """One row of the plans editor."""

    name = StringField(_l("Plan name"), validators=[Optional(), Length(max=200), printable])
    model = SelectField(
        _l("Pricing model"),
        choices=_options(_l("(no plan)"), PLAN_MODELS),
        validate_choice=True,
    )
    price = DecimalField(_l("Price"), places=None, validators=[Optional(), amount(MONEY_MAX)])
    currency = StringField(_l("Currency"), validators=[Optional(), Length(max=3), printable])
    min_users = IntegerField(
        _l("Minimum users"), validators=[Optional(), NumberRange(min=1, max=10**7)]
    )


class SessionForm(Form):  # type: ignore[misc]
    """One scheduled run of a course."""

    starts = DateField(_l("Starts"), validators=[Optional()])
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=1, max=10**6)])


def _texts(cls: type, name: str, label: Any, max_length: int, area: bool = False) -> None:
    for tag, suffix in TEXT_LANGUAGES:
        setattr(cls, f"{name}_{suffix}", _text(f"{label} ({tag})", max_length, area))


class ToolForm(_Locking):
    """Every field of a tool in the exchange format."""

    slug = StringField(
        _l("Slug"),
        description=_l("The address of the listing: 2-80 characters of a-z, 0-9 and '-'."),
        validators=[Optional(), Length(max=80), printable],
    )
    functions = MultiCheckboxField(_l("Business functions"))
    industries = SelectMultipleField(
        _l("Industries"), description=_l("None chosen: the tool fits every industry.")
    )
    regions = _list_text(_l("Regions"), _l("ISO codes where it is sold, e.g. TW, JP-13."))
    languages = _list_text(_l("Interface languages"), _l("Language tags, e.g. zh-TW, ja, en."))
    deployment = SelectField(_l("Deployment"), choices=_options(_l("(not said)"), DEPLOYMENTS))
    platforms = MultiCheckboxField(_l("Platforms"), choices=[SelectChoice(p, p) for p in PLATFORMS])
    min_employees = IntegerField(
        _l("Smallest company (employees)"), validators=[Optional(), NumberRange(1, 10**7)]
    )
    max_employees = IntegerField(
        _l("Largest company (employees)"), validators=[Optional(), NumberRange(1, 10**7)]
    )
    trial_days = IntegerField(
        _l("Free trial (days)"), validators=[Optional(), NumberRange(0, 3650)]
    )
    integrations = _list_text(_l("Integrations"), _l("Free tags, e.g. shopify, line-pay."))
    plans = FieldList(FormField(PlanForm), min_entries=1, max_entries=MAX_ROWS)
    subsidies = MultiCheckboxField(_l("Registered for subsidies"))
    logo = _logo()
    logo_name = HiddenField()
    source_url = StringField(
        _l("Source address"), validators=[Optional(), Length(max=500), printable]
    )


_texts(ToolForm, "name", _l("Name"), 200)
_texts(ToolForm, "summary", _l("Summary"), 500)
_texts(ToolForm, "description", _l("Description (Markdown)"), 20_000, area=True)


class CourseForm(_Locking):
    """Every field of a course in the exchange format."""

    slug = ToolForm.slug
    skills = MultiCheckboxField(_l("Skills taught"))
    functions = MultiCheckboxField(_l("Business functions it prepares for"))
    tools = _list_text(_l("Tools taught"), _l("Tool slugs, e.g. acme-pos."))
    level = SelectField(_l("Level"), choices=_options(_l("(not said)"), COURSE_LEVELS))
    format = SelectField(_l("Format"), choices=_options(_l("(not said)"), COURSE_FORMATS))
    language = StringField(_l("Language"), validators=[Optional(), Length(max=20), printable])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=10), printable])
    hours = DecimalField(_l("Hours"), places=None, validators=[Optional(), amount(HOURS_MAX)])
    price = DecimalField(_l("Price"), places=None, validators=[Optional(), amount(MONEY_MAX)])
    currency = StringField(_l("Currency"), validators=[Optional(), Length(max=3), printable])
    sessions = FieldList(FormField(SessionForm), min_entries=1, max_entries=MAX_ROWS)
    subsidies = MultiCheckboxField(_l("Subsidies that can pay for it"))
    logo = _logo()
    logo_name = HiddenField()


_texts(CourseForm, "title", _l("Title"), 200)
_texts(CourseForm, "description", _l("Description (Markdown)"), 20_000, area=True)


class UploadForm(FlaskForm):  # type: ignore[misc]
    """A bulk upload: a YAML/JSON file in the exchange format, or a CSV."""

    file = FileField(_l("Catalog file (.yaml, .yml, .json or .csv)"))


class RejectForm(FlaskForm):  # type: ignore[misc]
    """The reason an admin gives for sending a revision back."""

    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000), printable_text])


class ButtonForm(FlaskForm):  # type: ignore[misc]
    """A bare POST button (its CSRF token only)."""


TEXT_FIELDS = {"tool": ("name", "summary", "description"), "course": ("title", "description")}
LIST_FIELDS = {
    "tool": ("functions", "industries", "platforms", "subsidies"),
    "course": ("skills", "functions", "subsidies"),
}
SPLIT_FIELDS = {"tool": ("regions", "languages", "integrations"), "course": ("tools",)}
SCALAR_FIELDS = {
    "tool": ("slug", "deployment", "min_employees", "max_employees", "trial_days", "source_url"),
    "course": ("slug", "level", "format", "language", "region", "hours", "price", "currency"),
}
ROWS_FIELD = {"tool": "plans", "course": "sessions"}


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _rows(kind: str, form: Any) -> tuple[list[dict[str, Any]], list[int]]:
    """The filled plan (or session) rows, and the form entry each one came from."""
    kept: list[int] = []
    rows: list[dict[str, Any]] = []
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
    rows = getattr(form, ROWS_FIELD[kind])
    for name, message in problems:
        target = None
        if name.startswith(ROWS_FIELD[kind] + "["):
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
