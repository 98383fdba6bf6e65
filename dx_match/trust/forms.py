"""The admin's decision on a signal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from dx_match.listings.forms import printable_text


class DecisionForm(FlaskForm):  # type: ignore[misc]
    """Dismiss (with the reason) or mark that action was taken (with a note)."""

    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("dismissed", _l("Dismiss")),
            SelectChoice("actioned", _l("Action taken")),
        ],
        validators=[DataRequired(_l("Choose dismiss or action taken."))],
    )
    note = TextAreaField(
        _l("Reason or note"),
        validators=[
            DataRequired(_l("Write a short reason or note.")),
            Length(max=2000),
            printable_text,
        ],
    )
