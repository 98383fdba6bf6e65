"""Listing forms: every exchange-format field of a tool or course, per-field errors.

The forms only parse what was typed (numbers, dates, lists); the rules of the format are the
importer's own (`catalog/validation.py`), applied by the service, whose problems are put back
on the fields here (`show_problems`) so the user sees each next to what they typed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
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
    EXPENSE_TYPES,
    PLAN_MODELS,
    PLATFORMS,
)
from dx_match.catalog.validation import HOURS_MAX, MONEY_MAX
from dx_match.taxonomy.models import TERM_KINDS

#: The languages a listing's texts are typed in, and the suffix of their form fields.
TEXT_LANGUAGES = (("en", "en"), ("zh-TW", "zh_TW"), ("ja", "ja"))
#: Empty plan or session rows offered besides the filled ones (the page works without JS).
SPARE_ROWS = 2
MAX_ROWS = 50


#: What the user reads for each of the format's fixed words (the value sent stays the word).
LEVEL_LABELS = {
    "beginner": _l("Beginner"),
    "intermediate": _l("Intermediate"),
    "advanced": _l("Advanced"),
}
FORMAT_LABELS = {
    "online": _l("Online"),
    "in_person": _l("In person"),
    "hybrid": _l("Hybrid (online and in person)"),
}
DEPLOYMENT_LABELS = {"cloud": _l("Cloud"), "on_premise": _l("On-premise"), "hybrid": _l("Hybrid")}
PLAN_MODEL_LABELS = {
    "free": _l("Free"),
    "per_user_month": _l("Per user per month"),
    "flat_month": _l("Flat fee per month"),
    "per_year": _l("Per year"),
    "one_time": _l("One-time fee"),
    "quote": _l("Price on request"),
}
PLATFORM_LABELS = {
    "web": _l("Web browser"),
    "ios": _l("iOS"),
    "android": _l("Android"),
    "windows": _l("Windows"),
    "macos": _l("macOS"),
    "linux": _l("Linux"),
}


def _options(
    empty: Any, values: tuple[str, ...], labels: dict[str, Any] | None = None
) -> list[SelectChoice]:
    """A select's choices: an empty "not said" option, then the format's words, labelled."""
    named = labels or {}
    return [SelectChoice("", empty), *(SelectChoice(v, named.get(v, v)) for v in values)]


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
        choices=_options(_l("(no plan)"), PLAN_MODELS, PLAN_MODEL_LABELS),
        default="",
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
        # Lazy, so the label is translated per request, not once at import.
        text_label = _l("%(label)s (%(lang)s)", label=label, lang=tag)
        setattr(cls, f"{name}_{suffix}", _text(text_label, max_length, area))


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
    deployment = SelectField(
        _l("Deployment"),
        choices=_options(_l("(not said)"), DEPLOYMENTS, DEPLOYMENT_LABELS),
        default="",
    )
    platforms = MultiCheckboxField(
        _l("Platforms"), choices=[SelectChoice(p, PLATFORM_LABELS[p]) for p in PLATFORMS]
    )
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


_texts(ToolForm, "name", _l("Product name"), 200)
_texts(ToolForm, "summary", _l("Summary"), 500)
_texts(ToolForm, "description", _l("Description (Markdown)"), 20_000, area=True)


class CourseForm(_Locking):
    """Every field of a course in the exchange format."""

    slug = ToolForm.slug
    skills = MultiCheckboxField(_l("Skills taught"))
    functions = MultiCheckboxField(_l("Business functions it prepares for"))
    tools = _list_text(_l("Tools taught"), _l("Tool slugs, e.g. acme-pos."))
    level = SelectField(
        _l("Level"), choices=_options(_l("(not said)"), COURSE_LEVELS, LEVEL_LABELS), default=""
    )
    format = SelectField(
        _l("Format"),
        choices=_options(_l("(not said)"), COURSE_FORMATS, FORMAT_LABELS),
        default="",
    )
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


class SubsidyForm(FlaskForm):  # type: ignore[misc]
    """Every field of a subsidy programme, with its freshness stamp."""

    base = HiddenField()
    slug = ToolForm.slug
    regions = _list_text(_l("Regions"), _l("Where applicants must be, e.g. JP or TW-TPE."))
    industries = _list_text(_l("Industries"), _l("ISIC codes, e.g. G47 I56; empty means all."))
    sme_definition = SelectField(
        _l("SME definition"), choices=_options(_l("(none)"), ("JP", "TW")), default=""
    )
    max_employees = IntegerField(
        _l("At most employees"), validators=[Optional(), NumberRange(1, 10**7)]
    )
    max_capital = DecimalField(
        _l("At most capital"), places=None, validators=[Optional(), amount(MONEY_MAX)]
    )
    expense_types = MultiCheckboxField(
        _l("Eligible expenses"), choices=[SelectChoice(e, e) for e in EXPENSE_TYPES]
    )
    rate = DecimalField(
        _l("Share paid (0-1)"), places=None, validators=[Optional(), amount(Decimal(1))]
    )
    max_amount = DecimalField(
        _l("Maximum amount"), places=None, validators=[Optional(), amount(MONEY_MAX)]
    )
    min_amount = DecimalField(
        _l("Minimum amount"), places=None, validators=[Optional(), amount(MONEY_MAX)]
    )
    currency = StringField(_l("Currency"), validators=[Optional(), Length(max=3), printable])
    registered_tools_only = BooleanField(_l("Only tools registered for it"))
    #: Kept in our database only, not in the exchange format (partners' files round-trip).
    contract_after_grant = BooleanField(
        _l("Contracts only after the grant decision"),
        description=_l(
            "Signing or paying before the grant decision makes the expense ineligible; "
            "advisors are warned about contracts planned earlier."
        ),
    )
    opens = DateField(_l("Opens"), validators=[Optional()])
    closes = DateField(_l("Closes"), validators=[Optional()])
    url = StringField(_l("Address"), validators=[Optional(), Length(max=500), printable])
    verified_at = DateField(
        _l("Last verified"),
        description=_l("The day someone checked it at the source."),
        validators=[Optional()],
    )
    source_url = StringField(
        _l("Source address"), validators=[Optional(), Length(max=500), printable]
    )


_texts(SubsidyForm, "name", _l("Programme name"), 200)
_texts(SubsidyForm, "agency", _l("Agency"), 200)
_texts(SubsidyForm, "description", _l("Description (Markdown)"), 20_000, area=True)


class TermForm(FlaskForm):  # type: ignore[misc]
    """A new taxonomy term with its labels in the three languages of the site."""

    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, k) for k in TERM_KINDS])
    code = StringField(_l("Code"), validators=[Optional(), Length(max=40), printable])
    parent = StringField(
        _l("Parent code"),
        description=_l("Optional: found by prefix when empty."),
        validators=[Optional(), Length(max=40), printable],
    )


_texts(TermForm, "name", _l("Label"), 200)


class UploadForm(FlaskForm):  # type: ignore[misc]
    """A bulk upload: a YAML/JSON file in the exchange format, or a CSV."""

    file = FileField(_l("Catalog file (.yaml, .yml, .json or .csv)"))


class RejectForm(FlaskForm):  # type: ignore[misc]
    """The reason an admin gives for sending a revision back."""

    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000), printable_text])


class ButtonForm(FlaskForm):  # type: ignore[misc]
    """A bare POST button (its CSRF token only)."""
