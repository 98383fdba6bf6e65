"""Inquiry forms: the question (SMEs and visitors), the visitor's contact block, a reply."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, StringField, TelField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional, Regexp, ValidationError

from dx_match.accounts.forms import printable
from dx_match.inquiries.services import MESSAGE_MAX

KIND_LABELS = {
    "quote": _l("A quote"),
    "demo": _l("A demo"),
    "question": _l("A question"),
    "enrol": _l("I want to enrol"),
    "interest": _l("Keep me informed about new sessions"),
}

STATUS_LABELS = {"new": _l("New"), "answered": _l("Answered"), "closed": _l("Closed")}


def text_block(_form: Any, field: Any) -> None:
    """Like `printable`, but a message may have line breaks and tabs."""
    value = field.data or ""
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value):
        raise ValidationError(_l("Remove the control characters from this field."))


class InquiryForm(FlaskForm):  # type: ignore[misc]
    """What a signed-in SME sends: what it wants, a message, and consent to share its details."""

    kind = RadioField(_l("I would like"), validators=[InputRequired()])
    message = TextAreaField(
        _l("Your message"),
        validators=[
            InputRequired(message=_l("Write a message.")),
            Length(max=MESSAGE_MAX, message=_l("Use at most 5000 characters.")),
            text_block,
        ],
        render_kw={"rows": 6, "maxlength": MESSAGE_MAX},
    )
    consent = BooleanField(_l("Share my contact details with the vendor so it can contact me"))
    # A honeypot: hidden from people by CSS, filled in by form-filling robots.
    website = StringField(
        _l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"}
    )

    def set_kinds(self, kinds: tuple[str, ...]) -> None:
        """Offer the kinds the listing accepts."""
        self.kind.choices = [(kind, KIND_LABELS[kind]) for kind in kinds]


class VisitorInquiryForm(InquiryForm):
    """A visitor's inquiry: the same, plus a contact block."""

    name = StringField(
        _l("Your name"),
        validators=[InputRequired(), Length(max=120), printable],
        render_kw={"autocomplete": "name"},
    )
    company = StringField(
        _l("Company"),
        validators=[Optional(), Length(max=200), printable],
        render_kw={"autocomplete": "organization"},
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            InputRequired(),
            Length(max=254),
            printable,
            Email(message=_l("Enter an e-mail address like name@example.com.")),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
        description=_l("The answer is sent here, with a link to the conversation."),
    )
    phone = TelField(
        _l("Phone (optional)"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^\+?[0-9 ()\-.]{4,40}$", message=_l("Use digits, spaces, + ( ) - only.")),
        ],
        render_kw={"autocomplete": "tel"},
    )


class ReplyForm(FlaskForm):  # type: ignore[misc]
    """One more message in a thread."""

    body = TextAreaField(
        _l("Your reply"),
        validators=[
            InputRequired(message=_l("Write a message.")),
            Length(max=MESSAGE_MAX, message=_l("Use at most 5000 characters.")),
            text_block,
        ],
        render_kw={"rows": 5, "maxlength": MESSAGE_MAX},
    )
