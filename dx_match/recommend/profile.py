"""Pure: the SME profile of the spec, parsed and validated into a frozen dataclass.

Every problem is collected as (field, message), so a person sees all of them
at once; list items are named like `goals[2]`. What codes are valid comes in
a `ProfileCodes` value (the taxonomy in the database, or the built-in one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dx_match.catalog.models import DEPLOYMENTS
from dx_match.catalog.validation import (
    FieldError,
    choice,
    integer,
    language,
    number,
    string,
    tag,
)
from dx_match.taxonomy.codes import FUNCTION_GROUPS, is_currency, is_region, nearest

Problems = list[tuple[str, str]]
REVENUE_TRENDS = ("down", "flat", "up")
MATURITY_LEVELS = range(5)
FIELDS = (
    "id", "country", "region", "industry", "employees", "users", "capital", "annual_revenue",
    "currency", "revenue_trend", "it_staff", "goals", "challenges", "maturity", "budget_monthly",
    "current_tools", "deployment", "languages", "notes",
)  # fmt: skip
REQUIRED = ("country", "industry", "employees", "currency", "goals")


@dataclass(frozen=True)
class ProfileCodes:
    """The codes a profile may use; currencies are those with a conversion rate."""

    industries: frozenset[str]
    functions: frozenset[str]
    challenges: frozenset[str]
    currencies: frozenset[str]


@dataclass(frozen=True)
class Profile:
    """A validated SME profile; money in `currency`, absent facts are None or empty."""

    country: str
    industry: str
    employees: int
    currency: str
    goals: tuple[str, ...]
    id: str | None = None
    region: str | None = None
    users: int | None = None
    capital: Decimal | None = None
    annual_revenue: Decimal | None = None
    revenue_trend: str | None = None
    it_staff: int | None = None
    challenges: tuple[str, ...] = ()
    maturity: Mapping[str, int] = field(default_factory=dict)
    budget_monthly: Decimal | None = None
    current_tools: tuple[str, ...] = ()
    deployment: str | None = None
    languages: tuple[str, ...] = ()
    notes: str = ""

    @property
    def location(self) -> str:
        """The most precise region known: the subdivision, else the country."""
        return self.region or self.country

    @property
    def seats(self) -> int:
        """People who would use the tools: `users`, by default every employee (at least one)."""
        return max(self.users if self.users is not None else self.employees, 1)

    def to_dict(self) -> dict[str, Any]:
        """The profile back in the spec's shape (absent fields left out)."""
        out: dict[str, Any] = {}
        for name in FIELDS:
            value = getattr(self, name)
            if value is None or (value in ((), {}, "") and name not in REQUIRED):
                continue
            if isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Mapping):
                value = dict(value)
            out[name] = value
        return out


class ProfileInvalid(ValueError):
    """A profile that breaks the rules; `problems` holds (field, message) pairs."""

    def __init__(self, problems: Problems) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))
        self.problems = problems


def _code(kind: str, valid: Iterable[str]) -> Callable[[Any], str]:
    valid = frozenset(valid)

    def rule(value: Any) -> str:
        if isinstance(value, str) and value in valid:
            return value
        hint = nearest(str(value), valid)
        suffix = f"; did you mean {hint}?" if hint else ""
        raise FieldError(f"unknown {kind} code {value!r}{suffix}")

    return rule


def _country(value: Any) -> str:
    if isinstance(value, str) and len(value) == 2 and is_region(value):
        return value
    raise FieldError(f"{value!r} is not an ISO 3166-1 country code (e.g. TW, JP)")


def _region(value: Any) -> str:
    if isinstance(value, str) and is_region(value):
        return value
    raise FieldError(f"{value!r} is not an ISO 3166 country or subdivision code (e.g. TW-TPE)")


def _currency(codes: ProfileCodes) -> Callable[[Any], str]:
    def rule(value: Any) -> str:
        if not is_currency(value):
            raise FieldError(f"{value!r} is not an ISO 4217 currency code (e.g. TWD, JPY, USD)")
        if value not in codes.currencies:
            known = ", ".join(sorted(codes.currencies))
            raise FieldError(f"{value} has no conversion rate here; use one of {known}")
        return str(value)

    return rule


class _Reader:
    """Applies field rules to a raw mapping, collecting values and problems."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.values: dict[str, Any] = {}
        self.problems: Problems = []

    def one(self, name: str, rule: Callable[[Any], Any]) -> None:
        value = self.raw.get(name)
        if value is None:
            if name in REQUIRED:
                self.problems.append((name, "is required"))
            return
        try:
            self.values[name] = rule(value)
        except FieldError as exc:
            self.problems.append((name, str(exc)))

    def many(self, name: str, rule: Callable[[Any], str]) -> None:
        value = self.raw.get(name)
        if value is None:
            if name in REQUIRED:
                self.problems.append((name, "is required (it may be an empty list)"))
            return
        if not isinstance(value, list):
            self.problems.append((name, "must be a list, e.g. [a, b]"))
            return
        items: list[str] = []
        for index, item in enumerate(value, start=1):
            try:
                checked = rule(item)
            except FieldError as exc:
                self.problems.append((f"{name}[{index}]", str(exc)))
                continue
            if checked in items:
                self.problems.append((f"{name}[{index}]", f"{checked} is listed twice"))
            else:
                items.append(checked)
        self.values[name] = tuple(items)

    def maturity(self) -> None:
        value = self.raw.get("maturity")
        if value is None:
            return
        if not isinstance(value, Mapping):
            self.problems.append(("maturity", "must be a map of function group to 0..4"))
            return
        levels: dict[str, int] = {}
        for group, level in value.items():
            name = f"maturity.{group}"
            if group not in FUNCTION_GROUPS:
                self.problems.append((name, f"not a function group ({', '.join(FUNCTION_GROUPS)})"))
            elif isinstance(level, bool) or level not in MATURITY_LEVELS:
                self.problems.append((name, f"{level!r} is not a level from 0 to 4"))
            else:
                levels[group] = int(level)
        self.values["maturity"] = levels


def parse_profile(raw: Any, codes: ProfileCodes) -> Profile:
    """Validate a profile mapping; raise ProfileInvalid listing every problem."""
    if not isinstance(raw, Mapping):
        raise ProfileInvalid([("-", "a profile must be a map of field: value")])
    read = _Reader(raw)
    for name in raw:
        if name not in FIELDS:
            hint = nearest(str(name), FIELDS)
            read.problems.append(
                (str(name), "unknown field" + (f"; did you mean {hint}?" if hint else ""))
            )
    read.one("id", string)
    read.one("country", _country)
    read.one("region", _region)
    read.one("industry", _code("industry", codes.industries))
    read.one("employees", integer(0))
    read.one("users", integer(1))
    read.one("it_staff", integer(0))
    for money_field in ("capital", "annual_revenue", "budget_monthly"):
        read.one(money_field, number())
    read.one("currency", _currency(codes))
    read.one("revenue_trend", choice(REVENUE_TRENDS))
    read.one("deployment", choice(DEPLOYMENTS))
    read.one("notes", lambda v: v if isinstance(v, str) else _fail("must be text"))
    read.many("goals", _code("function", codes.functions | set(FUNCTION_GROUPS)))
    read.many("challenges", _code("challenge", codes.challenges))
    read.many("current_tools", tag)
    read.many("languages", language)
    read.maturity()
    values = read.values
    country, region = values.get("country"), values.get("region")
    if country and region and not (region == country or region.startswith(country + "-")):
        read.problems.append(("region", f"{region} is not in {country}"))
    if read.problems:
        raise ProfileInvalid(read.problems)
    return Profile(**values)


def _fail(message: str) -> str:
    raise FieldError(message)
