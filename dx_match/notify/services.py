"""Queue e-mail in the outbox, rendered in the recipient's language.

`queue_mail` only adds a row to the session: the caller's commit writes it together with the
change that caused it, so a rolled-back change sends nothing and a committed one is never lost.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import force_locale

from dx_match.extensions import db
from dx_match.i18n import BABEL_LOCALES
from dx_match.notify.models import OutboxMessage


def queue_mail(to: str, template: str, subject: Any, locale: str, **context: Any) -> OutboxMessage:
    """Render `notify/<template>.txt` and `.html` in `locale` and add the message to the session.

    `subject` is a lazy translated string (`_l(...)`), evaluated in the recipient's language.
    """
    with force_locale(BABEL_LOCALES.get(locale, "en")):
        context = {**context, "mail_locale": locale}
        message = OutboxMessage(
            to_address=to,
            subject=str(subject),
            text_body=render_template(f"notify/{template}.txt", **context),
            html_body=render_template(f"notify/{template}.html", **context),
            template=template,
            locale=locale,
            status="pending",
            attempts=0,
        )
    db.session.add(message)
    return message
