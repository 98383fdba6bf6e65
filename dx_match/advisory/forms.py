"""Advisor workspace forms: a new client; the editor's raw form parsed into a SetEdit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional

from dx_match.accounts.forms import printable
from dx_match.advisory.curation import SetEdit

LOCALE_LABELS = {"zh-TW": "繁體中文", "ja": "日本語", "en": "English"}
STAGE_LABELS = {
    "interested": _l("Interested"),
    "applied": _l("Applied"),
    "adopted": _l("Adopted"),
    "reported": _l("Reported"),
}
RESPONSE_LABELS = {"interested": _l("Interested"), "not_relevant": _l("Not relevant")}
KIND_LABELS = {"tool": _l("Tool"), "course": _l("Course"), "subsidy": _l("Subsidy")}
EVENT_LABELS = {
    "created": _l("Client created"),
    "invited": _l("Invitation sent"),
    "claimed": _l("Claimed by the company"),
    "survey_saved": _l("Survey saved"),
    "set_sent": _l("Recommendation set sent"),
    "set_viewed": _l("Recommendation set opened"),
    "item_response": _l("Response to an item"),
    "stage_changed": _l("Follow-up stage changed"),
    "revoked": _l("Access revoked"),
}
#: Editor actions that take an item id, and the one that takes "kind:slug".
ITEM_ACTIONS = ("remove", "up", "down")


class ClientForm(FlaskForm):  # type: ignore[misc]
    """A new client: its name, whom to write to, and in which language."""

    name = StringField(_l("Company name"), validators=[InputRequired(), Length(max=200), printable])
    contact_email = EmailField(
        _l("Contact e-mail"),
        validators=[Optional(), Email(), Length(max=254)],
        description=_l("Needed to invite the company and to send it recommendations."),
    )
    locale = SelectField(
        _l("Language of the mail"),
        choices=[SelectChoice(code, label) for code, label in LOCALE_LABELS.items()],
        default="en",
    )


def parse_edit(form: Mapping[str, str]) -> SetEdit:
    """The editor's fields: version, title, cover message, `note-<id>`, and one action button."""
    try:
        version = int(form.get("version", ""))
    except ValueError:
        version = -1  # never matches: the save is refused as stale, the text is kept
    notes = {
        int(name[5:]): value
        for name, value in form.items()
        if name.startswith("note-") and name[5:].isdigit()
    }
    action = None
    for name in (*ITEM_ACTIONS, "add"):
        if form.get(name):
            action = (name, form[name])
            break
    return SetEdit(
        version=version,
        title=form.get("title", ""),
        cover_message=form.get("cover_message", ""),
        notes=notes,
        action=action,
    )


def parse_day(value: str, today: date) -> date | None:
    """A stage date from the form (empty means today); None when it is not a date."""
    if not value.strip():
        return today
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
