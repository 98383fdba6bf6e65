"""Account forms (Flask-WTF: every form carries a CSRF token), with lazily translated labels."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from dx_match.accounts.passwords import MAX_LENGTH, MIN_LENGTH

ROLE_CHOICES = [
    SelectChoice("sme", _l("A company looking for tools (SME)")),
    SelectChoice("vendor", _l("A software vendor")),
    SelectChoice("trainer", _l("A training provider")),
    SelectChoice("advisor", _l("An advisor or consultant")),
]


def printable(_form: Any, field: Any) -> None:
    """Refuse NUL and other control characters (PostgreSQL cannot store NUL; nobody types them)."""
    value = field.data or ""
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(_l("Remove the control characters from this field."))


def _email_field(label: Any) -> EmailField:
    return EmailField(
        label,
        validators=[
            InputRequired(),
            Length(max=254),
            printable,
            Email(message=_l("Enter an e-mail address like name@example.com.")),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def _new_password(label: Any) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=_l("Use between 8 and 1000 characters."),
            ),
        ],
        render_kw={"autocomplete": "new-password", "minlength": MIN_LENGTH},
        description=_l("At least 8 characters. A long passphrase is best."),
    )


def _current_password(label: Any) -> PasswordField:
    return PasswordField(
        label,
        validators=[InputRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class RegisterForm(FlaskForm):  # type: ignore[misc]
    """A new account: role, name, organisation, address, password."""

    role = RadioField(_l("I am"), choices=ROLE_CHOICES, validators=[InputRequired()])
    display_name = StringField(
        _l("Your name"),
        validators=[InputRequired(), Length(max=120), printable],
        render_kw={"autocomplete": "name"},
    )
    organisation_name = StringField(
        _l("Company or organisation"),
        validators=[Length(max=200), printable],
        render_kw={"autocomplete": "organization"},
    )
    email = _email_field(_l("E-mail address"))
    password = _new_password(_l("Password"))


class LoginForm(FlaskForm):  # type: ignore[misc]
    """E-mail and password."""

    email = _email_field(_l("E-mail address"))
    password = _current_password(_l("Password"))
    remember = BooleanField(_l("Keep me logged in on this device"))


class TotpForm(FlaskForm):  # type: ignore[misc]
    """A six-digit code from an authenticator app."""

    code = StringField(
        _l("Six-digit code"),
        validators=[InputRequired(), Length(max=12), printable],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class EmailOnlyForm(FlaskForm):  # type: ignore[misc]
    """Forgot password, resend confirmation."""

    email = _email_field(_l("E-mail address"))


class ResetPasswordForm(FlaskForm):  # type: ignore[misc]
    """A new password from a reset link."""

    password = _new_password(_l("New password"))


class ChangePasswordForm(FlaskForm):  # type: ignore[misc]
    """The current password and a new one."""

    current_password = _current_password(_l("Current password"))
    new_password = _new_password(_l("New password"))


class ChangeEmailForm(FlaskForm):  # type: ignore[misc]
    """A new address, confirmed by the current password."""

    new_email = _email_field(_l("New e-mail address"))
    password = _current_password(_l("Current password"))


class PasswordConfirmForm(FlaskForm):  # type: ignore[misc]
    """The current password, to confirm a sensitive action."""

    password = _current_password(_l("Current password"))


class ConfirmForm(FlaskForm):  # type: ignore[misc]
    """A button that carries only the CSRF token (a link's GET never changes anything)."""


class ScopesField(SelectMultipleField):  # type: ignore[misc]
    """The token's scopes, shown as checkboxes (choices: the scopes the role may grant)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


LIFETIME_CHOICES = [
    SelectChoice("30", _l("30 days")),
    SelectChoice("90", _l("90 days")),
    SelectChoice("365", _l("1 year")),
    SelectChoice("never", _l("No expiry (until revoked)")),
]


class ApiTokenForm(FlaskForm):  # type: ignore[misc]
    """A new personal API token: a name, scopes and a lifetime."""

    name = StringField(
        _l("Name"),
        validators=[InputRequired(), Length(max=80), printable],
        description=_l("Where the token is used, e.g. “ERP sync”."),
    )
    scopes = ScopesField(
        _l("Scopes"),
        validators=[InputRequired(message=_l("Choose at least one scope."))],
    )
    lifetime = SelectField(_l("Expires after"), choices=LIFETIME_CHOICES, default="90")

    def lifetime_days(self) -> int | None:
        """The chosen lifetime in days (None: no expiry)."""
        value = self.lifetime.data
        return None if value == "never" else int(value)
