"""The proposal document (HTML for print, and its PDF) and the outcomes CSV.

The proposal is written for the client: it is rendered in the client's language whatever the
viewer's UI language, and a note (in the viewer's language, on screen only) says so.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from flask import render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from dx_match.accounts.models import User
from dx_match.advisory import proposal, queries
from dx_match.advisory.forms import LOCALE_LABELS
from dx_match.advisory.models import RecommendationSet
from dx_match.advisory.outcomes import Outcomes
from dx_match.extensions import db
from dx_match.i18n import BABEL_LOCALES, localized


def _subsidy_names(row: RecommendationSet, lang: str) -> dict[str, str]:
    """Names of the subsidies the tools mention: from the set's own items, else the catalog."""
    names = {
        i.item_slug: localized(i.snapshot.get("name"), lang)
        for i in row.items
        if i.item_kind == "subsidy"
    }
    for item in row.items:
        for slug in item.snapshot.get("subsidies") or ():
            if slug not in names:
                names[slug] = localized(queries.catalog_name("subsidy", slug), lang) or slug
    return names


def render_proposal(row: RecommendationSet, *, viewer_is_advisor: bool, for_pdf: bool) -> str:
    """The proposal page in the client's language."""
    lang = row.client.locale if row.client.locale in BABEL_LOCALES else "en"
    lines = [
        (item, proposal.line(item.item_kind, item.item_slug, item.snapshot, row.currency))
        for item in row.items
    ]
    # Said in the viewer's language, before switching to the client's.
    note = _(
        "This proposal is written in the client's language (%(language)s), whatever language "
        "you use the site in.",
        language=str(LOCALE_LABELS.get(lang, lang)),
    )
    advisor = db.session.get(User, row.client.advisor_id)
    names = _subsidy_names(row, lang)
    separator = ", " if lang == "en" else "、"
    with force_locale(BABEL_LOCALES[lang]):
        return render_template(
            "advisory/proposal.html",
            set=row,
            lang=lang,
            lines=lines,
            totals=proposal.totals([line for _item, line in lines]),
            subsidy_list=lambda slugs: separator.join(names.get(s, s) for s in slugs),
            format_date=format_date,
            advisor=advisor,
            issued=(row.sent_at.date() if row.sent_at else date.today()),
            language_note=note,
            viewer_is_advisor=viewer_is_advisor,
            for_pdf=for_pdf,
        )


def outcomes_csv(result: Outcomes) -> str:
    """The monthly numbers as CSV (one column per currency of subsidies obtained)."""
    currencies = sorted(result.obtained)
    out = io.StringIO()
    writer = csv.writer(out)
    header: list[Any] = ["month", "sets_sent", "answers", "items_adopted"]
    writer.writerow(header + [f"subsidy_estimated_{c}" for c in currencies])
    for m in result.months:
        writer.writerow(
            [m.start.strftime("%Y-%m"), m.sets_sent, m.answers, m.adopted]
            + [str(m.obtained.get(c, 0)) for c in currencies]
        )
    return out.getvalue()
