"""The questionnaire, one form per step, with lazily translated labels.

Choices come from the taxonomy (a `SurveyChoices` value the view builds), so a code that is
not offered is refused by the field itself ("not a valid choice"), before the profile rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from dx_match.survey.answers import split_tags
from dx_match.taxonomy.codes import FUNCTION_GROUPS

Choices = list[SelectChoice]
GOAL_RANKS = 5
NOT_NEGATIVE = _l("Enter a number of 0 or more.")
AT_LEAST_ONE = _l("Enter a whole number of 1 or more.")
MATURITY_LEVELS = (
    SelectChoice("0", _l("0 – On paper or in people's heads")),
    SelectChoice("1", _l("1 – Spreadsheets and messaging apps")),
    SelectChoice("2", _l("2 – One digital tool for part of the work")),
    SelectChoice("3", _l("3 – Digital tools used every day")),
    SelectChoice("4", _l("4 – Connected tools that share their data")),
)


@dataclass(frozen=True)
class SurveyChoices:
    """The options offered, with labels in the viewer's language."""

    countries: Choices
    regions: Choices
    industries: Choices
    functions: Choices
    challenges: Choices
    currencies: Choices
    languages: Choices


class CheckboxesField(SelectMultipleField):  # type: ignore[misc]
    """A multiple choice shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _blank(label: Any = "—") -> SelectChoice:
    return SelectChoice("", label)


def _set_choices(field: Any, choices: Choices, blank: bool = False) -> None:
    field.choices = [_blank(), *choices] if blank else list(choices)


class StepForm(FlaskForm):  # type: ignore[misc]
    """A step of the survey; `fill` gives it the taxonomy choices."""

    def fill(self, choices: SurveyChoices) -> None:
        """Set the options of the choice fields."""


class CompanyForm(StepForm):
    """Step 1: the company."""

    country = SelectField(_l("Country"), validators=[InputRequired()])
    region = SelectField(
        _l("City or prefecture"), validators=[Optional()], description=_l("Optional")
    )
    industry = SelectField(_l("Industry"), validators=[InputRequired()])
    employees = IntegerField(
        _l("Number of employees"),
        validators=[InputRequired(), NumberRange(min=0, message=NOT_NEGATIVE)],
    )
    it_staff = IntegerField(
        _l("People working on IT"),
        validators=[Optional(), NumberRange(min=0, message=NOT_NEGATIVE)],
        description=_l("Optional"),
    )
    revenue_trend = SelectField(
        _l("Sales over the last year"),
        choices=[
            _blank(_l("Not sure")),
            SelectChoice("down", _l("Going down")),
            SelectChoice("flat", _l("About the same")),
            SelectChoice("up", _l("Going up")),
        ],
        validators=[Optional()],
    )

    def fill(self, choices: SurveyChoices) -> None:
        """Set the options of the choice fields."""
        _set_choices(self.country, choices.countries, blank=True)
        _set_choices(self.region, choices.regions, blank=True)
        _set_choices(self.industry, choices.industries, blank=True)


class GoalsForm(StepForm):
    """Step 2: goals in priority order and challenges."""

    goal_1 = SelectField(_l("Most important"), validators=[Optional()])
    goal_2 = SelectField(_l("Second"), validators=[Optional()])
    goal_3 = SelectField(_l("Third"), validators=[Optional()])
    goal_4 = SelectField(_l("Fourth"), validators=[Optional()])
    goal_5 = SelectField(_l("Fifth"), validators=[Optional()])
    challenges = CheckboxesField(_l("What holds you back?"), validators=[Optional()])

    def goal_fields(self) -> list[Any]:
        """The rank fields, most important first."""
        return [self[f"goal_{rank}"] for rank in range(1, GOAL_RANKS + 1)]

    def fill(self, choices: SurveyChoices) -> None:
        """Set the options of the choice fields."""
        for field in self.goal_fields():
            _set_choices(field, choices.functions, blank=True)
        _set_choices(self.challenges, choices.challenges)

    def validate(self, extra_validators: Any = None) -> bool:
        """Each function once: a second pick of the same one is reported where it is."""
        valid = bool(super().validate(extra_validators))
        seen: set[str] = set()
        for rank_field in self.goal_fields():
            if rank_field.data and rank_field.data in seen:
                rank_field.errors = [*rank_field.errors, _l("You chose this goal already.")]
                valid = False
            seen.add(rank_field.data)
        return valid

    def goals(self) -> list[str]:
        """The chosen goals, most important first, blanks skipped."""
        return [f.data for f in self.goal_fields() if f.data]


def _maturity_field(label: Any) -> RadioField:
    return RadioField(label, choices=list(MATURITY_LEVELS), validators=[InputRequired()])


class MaturityForm(StepForm):
    """Step 3: how digital each function group is today (0-4)."""

    maturity_sales = _maturity_field(_l("Sales and customers"))
    maturity_finance = _maturity_field(_l("Finance and accounting"))
    maturity_supply = _maturity_field(_l("Supply chain and production"))
    maturity_hr = _maturity_field(_l("People and HR"))
    maturity_ops = _maturity_field(_l("Operations and IT"))


class BudgetForm(StepForm):
    """Step 4: money, seats and the tools already in use."""

    currency = SelectField(_l("Currency"), validators=[InputRequired()])
    budget_monthly = DecimalField(
        _l("Budget per month"),
        validators=[Optional(), NumberRange(min=0, message=NOT_NEGATIVE)],
        description=_l("For all the tools together; leave empty if you are not sure."),
    )
    users = IntegerField(
        _l("People who would use the tools"),
        validators=[Optional(), NumberRange(min=1, message=AT_LEAST_ONE)],
        description=_l("Leave empty to count every employee."),
    )
    capital = DecimalField(
        _l("Paid-in capital"),
        validators=[Optional(), NumberRange(min=0, message=NOT_NEGATIVE)],
        description=_l("Some subsidies depend on it."),
    )
    annual_revenue = DecimalField(
        _l("Annual revenue"),
        validators=[Optional(), NumberRange(min=0, message=NOT_NEGATIVE)],
        description=_l("Optional"),
    )
    current_tools = StringField(
        _l("Tools you already use"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Separate them with commas, e.g. LINE Pay, Excel"),
    )

    def fill(self, choices: SurveyChoices) -> None:
        """Set the options of the choice fields."""
        _set_choices(self.currency, choices.currencies)

    def validate_current_tools(self, field: Any) -> None:
        """Each tag short enough to be a tag."""
        if any(len(tag) > 80 for tag in split_tags(field.data)):
            raise ValidationError(_l("Keep each tool name under 80 characters."))


class PreferencesForm(StepForm):
    """Step 5: deployment, languages and notes."""

    deployment = SelectField(
        _l("How should the tools run?"),
        choices=[
            _blank(_l("Any way")),
            SelectChoice("cloud", _l("Cloud")),
            SelectChoice("on_premise", _l("On-premise")),
            SelectChoice("hybrid", _l("Hybrid")),
        ],
        validators=[Optional()],
    )
    languages = CheckboxesField(
        _l("Languages the tools must speak"),
        validators=[Optional()],
        description=_l("Leave all unticked if any language will do."),
    )
    notes = TextAreaField(
        _l("Anything else we should know?"),
        validators=[Optional(), Length(max=4000)],
        description=_l("In any language."),
    )

    def fill(self, choices: SurveyChoices) -> None:
        """Set the options of the choice fields."""
        _set_choices(self.languages, choices.languages)


@dataclass(frozen=True)
class Step:
    """One page of the questionnaire."""

    number: int
    slug: str
    title: Any
    form: type[StepForm]


STEPS = (
    Step(1, "company", _l("Your company"), CompanyForm),
    Step(2, "goals", _l("Goals and challenges"), GoalsForm),
    Step(3, "maturity", _l("How digital you are today"), MaturityForm),
    Step(4, "budget", _l("Budget and current tools"), BudgetForm),
    Step(5, "preferences", _l("Preferences"), PreferencesForm),
)
MATURITY_FIELDS = {group: f"maturity_{group}" for group in FUNCTION_GROUPS}
