"""The kinds of in-app notification: each kind's text, its label and whether it mails by default.

A notification stores only its kind and JSON params; the text is rendered from here when it is
shown, in the reader's language, so a change of language (or of a translation) applies to old
notifications too. Add a kind here before calling `notify()` with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from dx_match.i18n import localized


@dataclass(frozen=True)
class Kind:
    """What one kind of notification says and who gets it by e-mail unless they chose otherwise."""

    #: A %-format string over the notification's params, e.g. "... %(listing)s".
    text: LazyString
    #: Its name on the e-mail preferences form.
    label: LazyString
    #: Whether it also goes by e-mail for users who have not chosen.
    email_default: bool


KINDS: dict[str, Kind] = {
    "inquiry_received": Kind(
        _l("New inquiry about %(listing)s"), _l("A new inquiry about one of your listings"), True
    ),
    "inquiry_message": Kind(
        _l("A new message about %(listing)s"), _l("A new message in one of your inquiries"), True
    ),
    "listing_approved": Kind(
        _l("Your listing %(slug)s was approved and is live"),
        _l("A listing of yours is approved"),
        True,
    ),
    "listing_rejected": Kind(
        _l("Your listing %(slug)s was not approved"), _l("A listing of yours is not approved"), True
    ),
    "advisory_set_sent": Kind(
        _l("Your advisor sent recommendations: %(title)s"),
        _l("An advisor sends your company recommendations"),
        True,  # members other than the contact address, which gets the set's own mail
    ),
    "advisory_response": Kind(
        _l("%(client)s answered about %(item)s"),
        _l("A client answers about an item you recommended"),
        True,
    ),
    "advisory_claimed": Kind(
        _l("%(client)s linked its company account to you"),
        _l("A client claims its invitation"),
        True,
    ),
    "advisory_revoked": Kind(
        _l("%(client)s revoked your access"), _l("A client revokes your access"), True
    ),
    "advisory_window_closing": Kind(
        _l("%(client)s: %(subsidy)s closes on %(day)s and is not applied for yet"),
        _l("Reminders before a client's subsidy window closes"),
        True,
    ),
    "advisory_outcome_due": Kind(
        _l("%(client)s: the outcome report for %(item)s is due (%(day)s)"),
        _l("Reminders when a client's outcome report is due"),
        True,
    ),
}

GENERIC_TEXT = _l("You have a new notification")


def render(kind: str, params: Mapping[str, Any] | None, lang: str | None = None) -> str:
    """The notification's text in `lang` (default: the viewer's); generic if it cannot be made.

    A {language: text} value (a listing's name) is shown in `lang`. An unknown kind or params
    that do not fit its format string give the generic text: a page never fails on old rows.
    """
    spec = KINDS.get(kind)
    if spec is None:
        return str(GENERIC_TEXT)
    values = {
        key: localized(value, lang) if isinstance(value, dict) else str(value)
        for key, value in (params or {}).items()
        if isinstance(key, str)
    }
    try:
        return str(spec.text) % values
    except (KeyError, TypeError, ValueError):
        return str(GENERIC_TEXT)
