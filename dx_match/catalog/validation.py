"""Pure validation of exchange-format rows into their canonical form.

Each `check_*` function takes one raw row and returns the row in canonical
form (the exact shape the exporter writes) plus a list of (field, message)
problems. Nothing here touches the database: what rows may refer to comes in
a `Known` value, so the rules are tested as plain data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from dx_match.catalog.models import (
    COURSE_FORMATS,
    COURSE_LEVELS,
    DEPLOYMENTS,
    EXPENSE_TYPES,
    PLAN_MODELS,
    SME_DEFINITIONS,
    STATUSES,
    VENDOR_KINDS,
)
from dx_match.taxonomy.codes import FUNCTION_GROUPS, is_currency, is_language, is_region, nearest

SLUG = re.compile(r"^[a-z0-9-]{2,80}$")
TERM_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
CENT = Decimal("0.01")
RATE_STEP = Decimal("0.0001")
# The largest amounts the columns hold (Numeric(14, 2) money, Numeric(8, 2) hours): a larger
# value is the row's problem, not a database error at write time.
MONEY_MAX = Decimal("999999999999.99")
HOURS_MAX = Decimal("999999.99")

Problems = list[tuple[str, str]]
SINGULAR = {
    "industries": "industry",
    "functions": "function",
    "skills": "skill",
    "challenges": "challenge",
    "regions": "region",
}


class FieldError(Exception):
    """One field's value breaks the format; the message says how."""


@dataclass
class Known:
    """Everything a row may refer to: codes, and slugs in the catalog or the database."""

    terms: dict[str, set[str]] = field(default_factory=dict)
    vendors: dict[str, str] = field(default_factory=dict)  # slug -> kind
    tools: set[str] = field(default_factory=set)
    subsidies: set[str] = field(default_factory=set)

    def has_region(self, code: str) -> bool:
        """An ISO region code or an extra region term."""
        return is_region(code) or code in self.terms.get("regions", set())


# -- field rules -------------------------------------------------------------


def text(value: Any) -> str | dict[str, str]:
    """A plain string or a map of language tag to string, none of them empty."""
    if isinstance(value, str):
        if not value.strip():
            raise FieldError("must not be empty")
        return value
    if isinstance(value, dict) and value:
        for lang, item in value.items():
            if not isinstance(lang, str) or not is_language(lang):
                raise FieldError(f"{lang!r} is not a known language tag (e.g. en, zh-TW, ja)")
            if not isinstance(item, str) or not item.strip():
                raise FieldError(f"the {lang} text must be a non-empty string")
        return dict(value)
    raise FieldError("must be a string or a map of language to string, e.g. {en: ..., ja: ...}")


def slug(value: Any) -> str:
    """A slug `[a-z0-9-]{2,80}`."""
    if not isinstance(value, str) or not SLUG.match(value):
        raise FieldError(f"{value!r} is not a slug: 2-80 characters of a-z, 0-9 and '-'")
    return value


def choice(options: Iterable[str]) -> Callable[[Any], str]:
    """One of a fixed set of words."""
    options = tuple(options)

    def rule(value: Any) -> str:
        if value not in options:
            raise FieldError(f"{value!r} is not one of: {', '.join(options)}")
        return str(value)

    return rule


def boolean(value: Any) -> bool:
    """true or false."""
    if not isinstance(value, bool):
        raise FieldError(f"{value!r} is not true or false")
    return value


def integer(minimum: int = 0) -> Callable[[Any], int]:
    """A whole number at least `minimum`."""

    def rule(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(f"{value!r} is not a whole number")
        if value < minimum:
            raise FieldError(f"{value} is less than {minimum}")
        return value

    return rule


def number(step: Decimal = CENT, maximum: Decimal = MONEY_MAX) -> Callable[[Any], Decimal]:
    """A finite number from 0 to `maximum`, kept as a Decimal rounded to `step`."""

    def rule(value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise FieldError(f"{value!r} is not a number")
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            raise FieldError("must be a finite number, not NaN or infinity")
        try:
            amount = Decimal(str(value)).quantize(step)
        except InvalidOperation as exc:
            raise FieldError(f"{value!r} is too large") from exc
        if amount < 0:
            raise FieldError(f"{value} is negative")
        if amount > maximum:
            raise FieldError(f"{value} is too large (at most {maximum})")
        return amount

    return rule


def url(value: Any) -> str:
    """An absolute http(s) URL."""
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.netloc:
        raise FieldError(f"{value!r} is not an http:// or https:// address")
    return str(value)


def iso_date(value: Any) -> date:
    """An ISO date, YYYY-MM-DD."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise FieldError(f"{value!r} is not a date written YYYY-MM-DD")


def currency(value: Any) -> str:
    """An ISO 4217 code."""
    if not is_currency(value):
        raise FieldError(f"{value!r} is not an ISO 4217 currency code (e.g. TWD, JPY, USD)")
    return str(value)


def language(value: Any) -> str:
    """A BCP 47 tag of a known language."""
    if not isinstance(value, str) or not is_language(value):
        raise FieldError(f"{value!r} is not a known language tag (e.g. zh-TW, ja, en)")
    return value


def string(value: Any) -> str:
    """Any non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise FieldError("must be a non-empty string")
    return value


def string_list(item_rule: Callable[[Any], str]) -> Callable[[Any], list[str]]:
    """A list whose items pass `item_rule`, none twice."""

    def rule(value: Any) -> list[str]:
        if not isinstance(value, list):
            raise FieldError("must be a list, e.g. [a, b]")
        items = [item_rule(item) for item in value]
        repeated = sorted({item for item in items if items.count(item) > 1})
        if repeated:
            raise FieldError(f"{', '.join(repeated)} listed twice")
        return items

    return rule


def code(kind: str, known: Known) -> Callable[[Any], str]:
    """A taxonomy code of `kind`, with the nearest valid code suggested when it is wrong."""

    def rule(value: Any) -> str:
        if kind == "regions":
            if isinstance(value, str) and known.has_region(value):
                return value
            raise FieldError(
                f"{value!r} is not an ISO 3166 country or subdivision code (e.g. TW, JP-13)"
            )
        valid = known.terms.get(kind, set())
        if isinstance(value, str) and value in valid:
            return value
        hint = nearest(str(value), valid)
        suffix = f"; did you mean {hint}?" if hint else ""
        raise FieldError(f"unknown {SINGULAR[kind]} code {value!r}{suffix}")

    return rule


def tag(value: Any) -> str:
    """A free tag such as an integration name."""
    if not isinstance(value, str) or not value.strip() or len(value) > 80:
        raise FieldError(f"{value!r} is not a tag (a short non-empty string)")
    return value


def reference(kind: str, valid: Iterable[str]) -> Callable[[Any], str]:
    """A slug that must exist among `valid`."""
    valid = set(valid)

    def rule(value: Any) -> str:
        if isinstance(value, str) and value in valid:
            return value
        hint = nearest(str(value), valid)
        suffix = f"; did you mean {hint}?" if hint else ""
        raise FieldError(f"no {kind} with slug {value!r} in this catalog or the database{suffix}")

    return rule


def _sorted_refs(row: RowCheck, name: str, kind: str, valid: Iterable[str]) -> None:
    """A set of references: stored unordered, so kept sorted by slug."""
    if row.take(name, string_list(reference(kind, valid))):
        row.out[name] = sorted(row.out[name])


# -- rows --------------------------------------------------------------------


class RowCheck:
    """Applies field rules to one raw row, collecting the canonical row and the problems."""

    def __init__(self, raw: Any, fields: Iterable[str]) -> None:
        self.problems: Problems = []
        self.out: dict[str, Any] = {}
        self.raw: dict[str, Any] = raw if isinstance(raw, dict) else {}
        self.fields = tuple(fields)
        if not isinstance(raw, dict):
            self.problems.append(("-", "a row must be a map of field: value"))

    def take(self, name: str, rule: Callable[[Any], Any], *, required: bool = False) -> Any:
        """Check one field; absent and null are the same; record a canonical value when present."""
        value = self.raw.get(name)
        if value is None or value == []:
            if required:
                self.problems.append((name, "is required"))
            return None
        try:
            result = rule(value)
        except FieldError as exc:
            self.problems.append((name, str(exc)))
            return None
        self.out[name] = result
        return result

    def fail(self, name: str, message: str) -> None:
        """Record a problem found by a rule across fields."""
        self.problems.append((name, message))

    def finish(self) -> tuple[dict[str, Any], Problems]:
        """Keep unknown fields as extensions (the format welcomes them) and return the row."""
        extras = {k: _json_safe(v) for k, v in self.raw.items() if k not in self.fields}
        ordered = {name: self.out[name] for name in self.fields if name in self.out}
        return ordered | dict(sorted(extras.items())), self.problems


def _json_safe(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def check_term(raw: Any, kind: str, known_codes: set[str]) -> tuple[dict[str, Any], Problems]:
    """An extra taxonomy term; its parent must exist (or is found by prefix)."""
    row = RowCheck(raw, ("code", "parent", "name"))

    def term_code(value: Any) -> str:
        if not isinstance(value, str) or not TERM_CODE.match(value):
            raise FieldError(
                f"{value!r} is not a code: letters, digits, '.', '_' or '-', at most 40"
            )
        if kind == "regions" and is_region(value):
            raise FieldError(f"{value} is an ISO region already; add only codes ISO does not have")
        return value

    def parent(value: Any) -> str:
        if value not in known_codes and not (kind == "regions" and is_region(str(value))):
            raise FieldError(f"parent {value!r} is not a known {SINGULAR[kind]} code")
        return str(value)

    row.take("code", term_code, required=True)
    row.take("parent", parent)
    row.take("name", text, required=True)
    return row.finish()


VENDOR_FIELDS = ("slug", "name", "kind", "startup", "country", "website", "description")


def check_vendor(raw: Any, known: Known) -> tuple[dict[str, Any], Problems]:
    """A software vendor or training provider."""
    row = RowCheck(raw, VENDOR_FIELDS)
    row.take("slug", slug, required=True)
    row.take("name", text, required=True)
    if row.take("kind", choice(VENDOR_KINDS)) == "software":
        row.out.pop("kind")  # the default
    if row.take("startup", boolean) is False:
        row.out.pop("startup")
    row.take("country", code("regions", known))
    row.take("website", url)
    row.take("description", text)
    return row.finish()


TOOL_FIELDS = (
    "slug", "vendor", "name", "summary", "description", "functions", "industries", "regions",
    "languages", "deployment", "platforms", "min_employees", "max_employees", "trial_days",
    "integrations", "plans", "subsidies", "status", "verified_at", "source_url",
)  # fmt: skip
PLAN_FIELDS = ("name", "model", "price", "currency", "min_users")
PRICED_MODELS = {"per_user_month", "flat_month", "per_year", "one_time"}


def check_plan(raw: Any) -> tuple[dict[str, Any], Problems]:
    """One plan: a price is required for priced models and needs a currency."""
    row = RowCheck(raw, PLAN_FIELDS)
    row.take("name", text)
    model = row.take("model", choice(PLAN_MODELS), required=True)
    price = row.take("price", number())
    row.take("currency", currency)
    row.take("min_users", integer(1))
    if model in PRICED_MODELS and "price" not in row.raw:
        row.fail("price", f"is required for the {model} model")
    if model == "free" and price is not None and price != 0:
        row.fail("price", "a free plan costs 0")
    if price and "currency" not in row.raw:  # a zero price needs no currency
        row.fail("currency", "is required when there is a price")
    return row.finish()


def check_tool(raw: Any, known: Known) -> tuple[dict[str, Any], Problems]:
    """A tool with its plans; every code and reference checked."""
    row = RowCheck(raw, TOOL_FIELDS)
    row.take("slug", slug, required=True)
    row.take("vendor", reference("vendor", known.vendors), required=True)
    row.take("name", text, required=True)
    row.take("summary", text)
    row.take("description", text)
    row.take("functions", string_list(code("functions", known)), required=True)
    row.take("industries", string_list(code("industries", known)))
    row.take("regions", string_list(code("regions", known)))
    row.take("languages", string_list(language))
    row.take("deployment", choice(DEPLOYMENTS))
    row.take("platforms", string_list(tag))
    low = row.take("min_employees", integer(1))
    high = row.take("max_employees", integer(1))
    if low is not None and high is not None and low > high:
        row.fail("max_employees", f"{high} is below min_employees {low}")
    trial = row.take("trial_days", integer(0))
    if trial == 0:
        row.out.pop("trial_days")  # 0 and absent both mean no trial
    row.take("integrations", string_list(tag))
    plans = row.raw.get("plans")
    if not isinstance(plans, list) or not plans:
        row.fail(
            "plans",
            "at least one plan is required (use [{model: quote}] when prices are on request)",
        )
    else:
        checked = []
        for index, plan in enumerate(plans, start=1):
            canonical, problems = check_plan(plan)
            checked.append(canonical)
            row.problems.extend((f"plans[{index}].{name}", message) for name, message in problems)
        row.out["plans"] = checked
    _sorted_refs(row, "subsidies", "subsidy", known.subsidies)
    status = row.take("status", choice(STATUSES))
    if status == "published":
        row.out.pop("status")  # the default
    row.take("verified_at", iso_date)
    row.take("source_url", url)
    return row.finish()


SUBSIDY_FIELDS = (
    "slug", "name", "agency", "regions", "industries", "sme_definition", "max_employees",
    "max_capital", "expense_types", "rate", "max_amount", "min_amount", "currency",
    "registered_tools_only", "opens", "closes", "url", "description", "verified_at", "source_url",
)  # fmt: skip


def rate(value: Any) -> Decimal:
    """A share of eligible cost, 0 < rate <= 1."""
    share = number(RATE_STEP)(value)
    if not 0 < share <= 1:
        raise FieldError(f"{value} is outside (0, 1]: write 0.5 for half, 1 for all")
    return share


def check_subsidy(raw: Any, known: Known) -> tuple[dict[str, Any], Problems]:
    """A subsidy programme with its eligibility rules and open window."""
    row = RowCheck(raw, SUBSIDY_FIELDS)
    row.take("slug", slug, required=True)
    row.take("name", text, required=True)
    row.take("agency", text)
    row.take("regions", string_list(code("regions", known)), required=True)
    row.take("industries", string_list(code("industries", known)))
    definition = row.take("sme_definition", choice(SME_DEFINITIONS))
    if definition == "none":
        row.out.pop("sme_definition")  # the default
    row.take("max_employees", integer(1))
    row.take("max_capital", number())
    row.take("expense_types", string_list(choice(EXPENSE_TYPES)), required=True)
    row.take("rate", rate, required=True)
    high = row.take("max_amount", number(), required=True)
    low = row.take("min_amount", number())
    if high is not None and low is not None and low > high:
        row.fail("min_amount", f"{low} is above max_amount {high}")
    row.take("currency", currency, required=True)
    if row.take("registered_tools_only", boolean) is False:
        row.out.pop("registered_tools_only")  # the default
    opens = row.take("opens", iso_date)
    closes = row.take("closes", iso_date)
    if opens is not None and closes is not None and closes < opens:
        row.fail("closes", f"{closes} is before opens {opens}")
    row.take("url", url)
    row.take("description", text)
    row.take("verified_at", iso_date)
    row.take("source_url", url)
    return row.finish()


COURSE_FIELDS = (
    "slug", "provider", "title", "description", "skills", "functions", "tools", "level",
    "format", "language", "region", "hours", "price", "currency", "sessions", "subsidies", "status",
)  # fmt: skip
SESSION_FIELDS = ("starts", "capacity")


def check_course(raw: Any, known: Known) -> tuple[dict[str, Any], Problems]:
    """A course from a training provider, with its scheduled sessions."""
    row = RowCheck(raw, COURSE_FIELDS)
    row.take("slug", slug, required=True)
    trainers = {s for s, kind in known.vendors.items() if kind in {"training", "both"}}
    provider = row.take("provider", reference("vendor", known.vendors), required=True)
    if provider is not None and provider not in trainers:
        row.fail(
            "provider", f"vendor {provider!r} is not a training provider (kind training or both)"
        )
    row.take("title", text, required=True)
    row.take("description", text)
    row.take("skills", string_list(code("skills", known)), required=True)
    row.take("functions", string_list(code("functions", known)))
    _sorted_refs(row, "tools", "tool", known.tools)
    row.take("level", choice(COURSE_LEVELS))
    row.take("format", choice(COURSE_FORMATS))
    row.take("language", language)
    row.take("region", code("regions", known))
    row.take("hours", number(maximum=HOURS_MAX))
    price = row.take("price", number())
    row.take("currency", currency)
    if price and "currency" not in row.raw:
        row.fail("currency", "is required when there is a price")
    sessions = row.raw.get("sessions")
    if sessions is not None:
        if not isinstance(sessions, list):
            row.fail("sessions", "must be a list of {starts, capacity}")
        else:
            checked = []
            for index, raw_session in enumerate(sessions, start=1):
                session = RowCheck(raw_session, SESSION_FIELDS)
                session.take("starts", iso_date, required=True)
                session.take("capacity", integer(1))
                canonical, problems = session.finish()
                checked.append(canonical)
                row.problems.extend((f"sessions[{index}].{n}", m) for n, m in problems)
            if checked:
                row.out["sessions"] = checked
    _sorted_refs(row, "subsidies", "subsidy", known.subsidies)
    if row.take("status", choice(STATUSES)) == "published":
        row.out.pop("status")
    return row.finish()


def builtin_group_codes() -> set[str]:
    """The function group codes, valid wherever a function is expected."""
    return set(FUNCTION_GROUPS)
