"""Request parameters the API adds to the pages' ones, and the pages' notices as 422 errors.

The pages drop a value they cannot use and show a notice; a program would not
see it and would get wider results than it asked for, so the API refuses the
request instead (422 problem+json naming each parameter). Only adjustments
that lose nothing (a page past the end shows the last page) stay notices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

from flask import Request, request

from dx_match.catalog.filters import Args, Notice
from dx_match.config import CURRENCY_BY_LANGUAGE, UI_LANGUAGES
from dx_match.errors import InvalidParameters
from dx_match.i18n import ui_language
from dx_match.taxonomy.codes import nearest

#: Notices that only report an adjustment; every other one makes the request invalid.
ADJUSTMENTS = frozenset({"past_end"})

_DETAILS = {
    "unknown": "{value!r} is not a valid {field}",
    "not_number": "{value!r} is not a number",
    "out_of_range": "{value!r} is out of range",
    "too_many": "too many values (at most {limit}); extra: {value}",
    "too_long": "longer than {limit} characters",
    "past_end": "past the last page ({limit})",
    "missing": "needed with max_price",
}


def notice_error(notice: Notice, location: str = "query") -> dict[str, Any]:
    """A notice as one entry of a problem's `errors`, with an English `detail`."""
    detail = _DETAILS.get(notice.problem, "{value!r} cannot be used").format(
        value=notice.value, field=notice.field, limit=notice.limit
    )
    if notice.problem == "out_of_range" and notice.limit is not None:
        detail += f" (at most {notice.limit})"
    if notice.suggestion:
        detail += f"; did you mean {notice.suggestion!r}?"
    return {
        "parameter": notice.field,
        "in": location,
        "problem": notice.problem,
        "value": notice.value,
        "suggestion": notice.suggestion,
        "limit": notice.limit,
        "detail": detail,
    }


def refuse(notices: Iterable[Notice]) -> list[Notice]:
    """Raise InvalidParameters for any notice that dropped a value; return the adjustments."""
    notices = list(notices)
    errors = [notice_error(n) for n in notices if n.problem not in ADJUSTMENTS]
    if errors:
        raise InvalidParameters(errors)
    return [n for n in notices if n.problem in ADJUSTMENTS]


def query_args() -> Args:
    """The query string as lists of values, as the pages read it."""
    return request.args.to_dict(flat=False)


def api_language() -> tuple[str, list[Notice]]:
    """`lang` when given (it must be a UI language), else the Accept-Language choice."""
    given = request.args.get("lang")
    if given is None:
        return accepted_language(), []
    if given in UI_LANGUAGES:
        return given, []
    notice = Notice("lang", given[:40], "unknown", nearest(given, UI_LANGUAGES))
    return accepted_language(), [notice]


def accepted_language() -> str:
    """The Accept-Language choice, made as the pages make it but without their cookie.

    A browser that once chose a language on a page must not change what a program
    gets from the same URL; API answers depend on the URL and the headers only.
    """
    headers_only = SimpleNamespace(args={}, cookies={}, accept_languages=request.accept_languages)
    return ui_language(cast(Request, headers_only))


def api_currency(rates: Mapping[str, Decimal], lang: str) -> tuple[str, list[Notice]]:
    """`currency` when given (it needs a configured rate), else the one of the language."""
    given = request.args.get("currency")
    default = CURRENCY_BY_LANGUAGE[lang]
    if given is None:
        return default, []
    if given.upper() in rates:
        return given.upper(), []
    return default, [Notice("currency", given[:40], "unknown", nearest(given.upper(), rates))]


def day(value: date | None) -> date:
    """The day subsidy windows are judged on: `today` when given, else the current date."""
    from dx_match.catalog.views import today

    return value or today()
