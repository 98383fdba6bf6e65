"""Pure rules for taxonomy codes: prefix matching, validity of regions, languages, currencies."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import cache

import langcodes
import pycountry

FUNCTION_GROUPS = ("sales", "finance", "supply", "hr", "ops")
INDUSTRY_CODE = re.compile(r"^[A-U](\d{2,4})?$")


def industry_covers(listed: str, code: str) -> bool:
    """True when a tool listed for `listed` fits a company in `code` (`I` covers `I56`)."""
    return code.startswith(listed)


def function_covers(listed: str, code: str) -> bool:
    """True when `listed` is `code` or its group (`sales` covers `sales.pos`)."""
    return code == listed or code.startswith(listed + ".")


def region_covers(listed: str, code: str) -> bool:
    """True when `listed` is `code` or a country or subdivision containing it."""
    return code == listed or code.startswith(listed + "-")


def fits_industry(listed: Iterable[str], code: str) -> bool:
    """A tool with no industries fits every industry; otherwise one must cover `code`."""
    listed = list(listed)
    return not listed or any(industry_covers(item, code) for item in listed)


def fits_region(listed: Iterable[str], code: str) -> bool:
    """A row with no regions is available anywhere; otherwise one must cover `code`."""
    listed = list(listed)
    return not listed or any(
        region_covers(item, code) or region_covers(code, item) for item in listed
    )


def group_of(function_code: str) -> str:
    """The function group of a function code (`sales.pos` -> `sales`)."""
    return function_code.split(".", 1)[0]


@cache
def _region_codes() -> frozenset[str]:
    countries = {c.alpha_2 for c in pycountry.countries}
    subdivisions = {s.code for s in pycountry.subdivisions}
    return frozenset(countries | subdivisions)


def is_region(code: str) -> bool:
    """An ISO 3166-1 alpha-2 country or ISO 3166-2 subdivision code."""
    return code in _region_codes()


@cache
def is_language(tag: str) -> bool:
    """A well-formed BCP 47 tag whose language is a known one (`zh-TW`, `ja`, `en`, `ko`)."""
    if not isinstance(tag, str) or not langcodes.tag_is_valid(tag):
        return False
    language = langcodes.Language.get(tag)
    return bool(language.language) and language.is_valid()


@cache
def is_currency(code: str) -> bool:
    """An ISO 4217 currency code."""
    return (
        isinstance(code, str)
        and len(code) == 3
        and code.isupper()
        and pycountry.currencies.get(alpha_3=code) is not None
    )


def nearest(code: str, valid: Iterable[str]) -> str | None:
    """The valid code closest to a mistyped one, for 'did you mean' messages."""
    matches = difflib.get_close_matches(code, list(valid), n=1, cutoff=0.5)
    return matches[0] if matches else None
