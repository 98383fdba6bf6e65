"""Review, adoption, report, reply, moderation and outcome forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from dx_match.inquiries.forms import text_block
from dx_match.reviews.services import BODY_MAX, MAX_WEEKS, REASON_MAX

STARS = [SelectChoice(str(n), str(n)) for n in range(5, 0, -1)]
LANGUAGE_LABELS = {"zh-TW": "繁體中文", "ja": "日本語", "en": "English"}


def _stars(label: object) -> RadioField:
    return RadioField(
        label, choices=STARS, validators=[InputRequired(message=_l("Choose from 1 to 5."))]
    )


class ReviewForm(FlaskForm):  # type: ignore[misc]
    """Ratings from 1 to 5, weeks to go live, the text and its language, name consent."""

    overall = _stars(_l("Overall"))
    ease = _stars(_l("Ease of use"))
    value = _stars(_l("Value for money"))
    support = _stars(_l("Vendor support"))
    weeks_to_live = IntegerField(
        _l("Weeks from the decision to daily use (optional)"),
        validators=[
            Optional(),
            NumberRange(0, MAX_WEEKS, message=_l("Give a number of weeks from 0 to 520.")),
        ],
    )
    body = TextAreaField(
        _l("Your review"),
        validators=[Length(max=BODY_MAX, message=_l("Use at most 5000 characters.")), text_block],
        render_kw={"rows": 6, "maxlength": BODY_MAX},
    )
    lang = SelectField(
        _l("Written in"),
        choices=[SelectChoice(tag, label) for tag, label in LANGUAGE_LABELS.items()],
        validators=[InputRequired()],
    )
    show_name = BooleanField(_l("Show my company's name with this review"))


class AdoptionForm(FlaskForm):  # type: ignore[misc]
    """Since when the company uses the tool."""

    since = DateField(
        _l("In use since"),
        validators=[InputRequired(message=_l("Give the day you started using the tool."))],
    )


class ReasonForm(FlaskForm):  # type: ignore[misc]
    """A reason: for reporting a review, or for hiding or showing it again."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[
            InputRequired(message=_l("Give a reason.")),
            Length(max=REASON_MAX, message=_l("Use at most 1000 characters.")),
            text_block,
        ],
        render_kw={"rows": 3, "maxlength": REASON_MAX},
    )


class ReplyForm(FlaskForm):  # type: ignore[misc]
    """The vendor's one reply to a review."""

    body = TextAreaField(
        _l("Your reply"),
        validators=[
            InputRequired(message=_l("Write a reply.")),
            Length(max=BODY_MAX, message=_l("Use at most 5000 characters.")),
            text_block,
        ],
        render_kw={"rows": 4, "maxlength": BODY_MAX},
    )


class OutcomeForm(FlaskForm):  # type: ignore[misc]
    """Hours saved, cost, still in use; function measures are extra `m_<key>` inputs."""

    hours_saved = StringField(
        _l("Hours saved per month"),
        validators=[InputRequired(message=_l("Give a number."))],
        render_kw={"inputmode": "decimal"},
    )
    monthly_cost = StringField(
        _l("What the tool costs per month"),
        validators=[InputRequired(message=_l("Give a number."))],
        render_kw={"inputmode": "decimal"},
    )
    currency = SelectField(_l("Currency"), validators=[InputRequired()])
    still_using = RadioField(
        _l("Do you still use it?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[InputRequired(message=_l("Say whether you still use the tool."))],
    )
