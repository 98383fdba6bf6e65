"""Pure parsing of list-page query arguments into typed filters, with a notice per dropped value.

Query strings come from people typing URLs and from old bookmarks, so nothing
here raises: a value that cannot be used is dropped, and a `Notice` says
which one and why, for the page to show. What codes are valid comes in a
`Vocabulary`, so these rules are tested as plain data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TypeVar

import langcodes

from dx_match.catalog.models import COURSE_FORMATS, DEPLOYMENTS
from dx_match.taxonomy.codes import is_language, is_region, nearest

Args = Mapping[str, Sequence[str]]
T = TypeVar("T")

PAGE_SIZE = 24
MAX_COMPARE = 4
MAX_USERS = 100_000
MAX_PAGE = 10_000
MAX_QUERY_LENGTH = 200
MAX_NUMBER_LENGTH = 20  # characters; longer "numbers" are noise, not prices
TOOL_SORTS = ("relevance", "name", "price", "newest", "rating")
PRICE_BANDS = ("free", "under_30", "30_100", "100_300", "over_300")  # USD-equivalent bands
SUBSIDY_COUNTRIES = ("TW", "JP")
SLUG = re.compile(r"^[a-z0-9-]{2,80}$")
TRUE_WORDS = frozenset({"1", "true", "on", "yes"})
FALSE_WORDS = frozenset({"", "0", "false", "off", "no"})


@dataclass(frozen=True)
class Notice:
    """One query value that was dropped or changed, and why.

    `problem` is one of: unknown, not_number, out_of_range, too_many, too_long, past_end.
    """

    field: str
    value: str
    problem: str
    suggestion: str | None = None
    limit: int | None = None


@dataclass(frozen=True)
class Vocabulary:
    """The taxonomy codes filters may use (built-in plus extra terms)."""

    industries: frozenset[str] = frozenset()
    functions: frozenset[str] = frozenset()  # group codes included
    skills: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()  # extra region terms beyond ISO 3166


@dataclass(frozen=True)
class ToolFilters:
    """The tool list's filters: several values within a facet OR, facets AND."""

    q: str = ""
    industries: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    max_price: Decimal | None = None
    price_bands: tuple[str, ...] = ()
    users: int = 1
    deployments: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    region: str | None = None
    subsidy: bool = False
    trial: bool = False
    #: Only tools rated 4 or more by verified adopters.
    rated: bool = False
    #: Only tools verified in the last 12 months.
    fresh: bool = False
    sort: str = "relevance"
    page: int = 1

    @property
    def active(self) -> int:
        """How many facets narrow the list (the text query counts as one)."""
        facets = (
            self.q,
            self.industries,
            self.functions,
            self.max_price is not None,
            self.price_bands,
            self.deployments,
            self.languages,
            self.region,
            self.subsidy,
            self.trial,
            self.rated,
            self.fresh,
        )
        return sum(1 for facet in facets if facet)


@dataclass(frozen=True)
class CourseFilters:
    """The course list's filters."""

    skills: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    region: str | None = None
    page: int = 1

    @property
    def active(self) -> int:
        """How many facets narrow the list."""
        return sum(1 for facet in (self.skills, self.formats, self.languages, self.region) if facet)


@dataclass
class _Parser:
    """Reads one query mapping, collecting notices as it goes."""

    args: Args
    notices: list[Notice] = field(default_factory=list)

    def values(self, key: str) -> list[str]:
        """Every non-empty value of `key`; comma-separated values count as several."""
        items: list[str] = []
        for raw in self.args.get(key, ()):
            items.extend(part.strip() for part in raw.split(","))
        return [item for item in items if item]

    def raw(self, key: str) -> list[str]:
        """Every non-empty value of `key` as given (for numbers, where a comma groups digits)."""
        return [value.strip() for value in self.args.get(key, ()) if value.strip()]

    def codes(
        self,
        key: str,
        valid: Callable[[str], bool],
        normalize: Callable[[str], str] = str,
        options: Iterable[str] = (),
    ) -> tuple[str, ...]:
        """The valid codes given for `key`, in order, each once; the rest become notices."""
        kept: list[str] = []
        for value in self.values(key):
            code = normalize(value)
            if valid(code):
                if code not in kept:
                    kept.append(code)
            else:
                self.notices.append(Notice(key, value[:40], "unknown", nearest(code, options)))
        return tuple(kept)

    def single(
        self, key: str, valid: Callable[[str], bool], normalize: Callable[[str], str] = str
    ) -> str | None:
        """One valid code for `key`; extra values are dropped with a notice."""
        codes = self.codes(key, valid, normalize)
        if len(codes) > 1:
            self.notices.append(Notice(key, ", ".join(codes[1:])[:40], "too_many", limit=1))
        return codes[0] if codes else None

    def integer(self, key: str, default: int, maximum: int) -> int:
        """A whole number from 1 to `maximum`, else `default` with a notice."""
        values = self.raw(key)
        if not values:
            return default
        value = values[-1]
        if not value.isdigit() or len(value) > MAX_NUMBER_LENGTH:
            self.notices.append(Notice(key, value[:40], "not_number"))
            return default
        number = int(value)
        if not 1 <= number <= maximum:
            self.notices.append(Notice(key, value, "out_of_range", limit=maximum))
            return default
        return number

    def amount(self, key: str) -> Decimal | None:
        """A finite amount >= 0, else None with a notice."""
        values = self.raw(key)
        if not values:
            return None
        value = values[-1]
        try:
            number = Decimal(value.replace(",", "")) if len(value) <= MAX_NUMBER_LENGTH else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.notices.append(Notice(key, value[:40], "not_number"))
            return None
        if number < 0:
            self.notices.append(Notice(key, value, "out_of_range"))
            return None
        return number

    def flag(self, key: str) -> bool:
        """A checkbox: 1/true/on/yes or 0/false/off/no; anything else is dropped."""
        raw = self.args.get(key, ())
        if not raw:
            return False
        value = raw[-1].strip().lower()
        if value in TRUE_WORDS:
            return True
        if value not in FALSE_WORDS:
            self.notices.append(Notice(key, raw[-1][:40], "unknown"))
        return False

    def choice(self, key: str, options: Sequence[str], default: str) -> str:
        """One of `options`, else `default` with a notice."""
        values = self.raw(key)
        if not values:
            return default
        if values[-1] in options:
            return values[-1]
        self.notices.append(Notice(key, values[-1][:40], "unknown", nearest(values[-1], options)))
        return default

    def text(self, key: str) -> str:
        """Free text with its whitespace collapsed, cut at MAX_QUERY_LENGTH characters."""
        text = " ".join(" ".join(self.args.get(key, ())).split())
        if len(text) > MAX_QUERY_LENGTH:
            self.notices.append(Notice(key, text[:40], "too_long", limit=MAX_QUERY_LENGTH))
            text = text[:MAX_QUERY_LENGTH]
        return text


def _language_tag(value: str) -> str:
    """`zh-tw` -> `zh-TW`; a malformed tag comes back unchanged and then fails is_language."""
    try:
        return str(langcodes.standardize_tag(value))
    except ValueError:
        return value


def _is_slug(value: str) -> bool:
    return SLUG.match(value) is not None


def _region_rule(vocabulary: Vocabulary) -> Callable[[str], bool]:
    return lambda code: is_region(code) or code in vocabulary.regions


def parse_tool_filters(args: Args, vocabulary: Vocabulary) -> tuple[ToolFilters, list[Notice]]:
    """The tool list's query arguments as ToolFilters, and a notice for each dropped value."""
    p = _Parser(args)
    filters = ToolFilters(
        q=p.text("q"),
        industries=p.codes(
            "industry", vocabulary.industries.__contains__, str.upper, vocabulary.industries
        ),
        functions=p.codes(
            "function", vocabulary.functions.__contains__, str.lower, vocabulary.functions
        ),
        max_price=p.amount("max_price"),
        price_bands=p.codes("price", PRICE_BANDS.__contains__, str.lower, PRICE_BANDS),
        users=p.integer("users", 1, MAX_USERS),
        deployments=p.codes("deployment", DEPLOYMENTS.__contains__, str.lower, DEPLOYMENTS),
        languages=p.codes("language", is_language, _language_tag),
        region=p.single("region", _region_rule(vocabulary), str.upper),
        subsidy=p.flag("subsidy"),
        trial=p.flag("trial"),
        rated=p.flag("rated"),
        fresh=p.flag("fresh"),
        sort=p.choice("sort", TOOL_SORTS, "relevance"),
        page=p.integer("page", 1, MAX_PAGE),
    )
    return filters, p.notices


def parse_course_filters(args: Args, vocabulary: Vocabulary) -> tuple[CourseFilters, list[Notice]]:
    """The course list's query arguments as CourseFilters, and a notice for each dropped value."""
    p = _Parser(args)
    filters = CourseFilters(
        skills=p.codes("skill", vocabulary.skills.__contains__, str.lower, vocabulary.skills),
        formats=p.codes("format", COURSE_FORMATS.__contains__, str.lower, COURSE_FORMATS),
        languages=p.codes("language", is_language, _language_tag),
        region=p.single("region", _region_rule(vocabulary), str.upper),
        page=p.integer("page", 1, MAX_PAGE),
    )
    return filters, p.notices


def parse_country(args: Args) -> tuple[str | None, list[Notice]]:
    """The subsidy list's `country` (TW or JP), or None for both."""
    p = _Parser(args)
    country = p.single("country", SUBSIDY_COUNTRIES.__contains__, str.upper)
    return country, p.notices


def parse_users(args: Args) -> tuple[int, list[Notice]]:
    """The `users` a cost is computed for (default 1)."""
    p = _Parser(args)
    return p.integer("users", 1, MAX_USERS), p.notices


def parse_compare(args: Args) -> tuple[tuple[str, ...], int, list[Notice]]:
    """The tool slugs to compare (at most MAX_COMPARE, each once) and the user count."""
    p = _Parser(args)
    slugs = p.codes("t", _is_slug, str.lower)
    if len(slugs) > MAX_COMPARE:
        p.notices.append(
            Notice("t", ", ".join(slugs[MAX_COMPARE:])[:80], "too_many", limit=MAX_COMPARE)
        )
        slugs = slugs[:MAX_COMPARE]
    return slugs, p.integer("users", 1, MAX_USERS), p.notices


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    """How many pages `total` items fill (at least one, for the empty state)."""
    return max(1, -(-total // size))


def paginate(items: Sequence[T], page: int, size: int = PAGE_SIZE) -> tuple[list[T], int, int]:
    """One page of `items` (past the end gives the last page), the page shown and the page count."""
    pages = page_count(len(items), size)
    page = min(max(page, 1), pages)
    return list(items[(page - 1) * size : page * size]), page, pages


def clamp_page(page: int, total: int, size: int = PAGE_SIZE) -> tuple[int, list[Notice]]:
    """The page to show: past the last page shows the last one, with a notice."""
    last = page_count(total, size)
    if page > last:
        return last, [Notice("page", str(page), "past_end", limit=last)]
    return page, []
