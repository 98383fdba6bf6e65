"""The list pages' query parsing as tables: what is kept, what is dropped, and the notice said."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from dx_match.catalog.filters import (
    MAX_COMPARE,
    CourseFilters,
    Notice,
    ToolFilters,
    Vocabulary,
    clamp_page,
    page_count,
    paginate,
    parse_compare,
    parse_country,
    parse_course_filters,
    parse_tool_filters,
    parse_users,
)

VOCABULARY = Vocabulary(
    industries=frozenset({"C", "G", "G47", "I", "I56"}),
    functions=frozenset({"sales", "sales.pos", "sales.crm", "finance", "finance.accounting"}),
    skills=frozenset({"skill.ai", "skill.nocode"}),
    regions=frozenset({"TW-XX"}),
)


def problems(notices: list[Notice]) -> list[tuple[str, str]]:
    """The (field, problem) pairs of some notices."""
    return [(n.field, n.problem) for n in notices]


@pytest.mark.parametrize(
    ("args", "expected", "notes"),
    [
        ({}, {}, []),
        ({"q": ["  point   of sale "]}, {"q": "point of sale"}, []),
        ({"q": ["x" * 250]}, {"q": "x" * 200}, [("q", "too_long")]),
        ({"industry": ["I56", "g47"]}, {"industries": ("I56", "G47")}, []),
        ({"industry": ["I56,C", "I56"]}, {"industries": ("I56", "C")}, []),
        ({"industry": ["I99", "I56"]}, {"industries": ("I56",)}, [("industry", "unknown")]),
        ({"industry": [""]}, {}, []),
        ({"function": ["sales.pos", "finance"]}, {"functions": ("sales.pos", "finance")}, []),
        ({"function": ["Sales.POS"]}, {"functions": ("sales.pos",)}, []),
        ({"function": ["sales.posx"]}, {}, [("function", "unknown")]),
        ({"max_price": ["1000"]}, {"max_price": D(1000)}, []),
        ({"max_price": ["1,500.5"]}, {"max_price": D("1500.5")}, []),
        ({"max_price": ["0"]}, {"max_price": D(0)}, []),
        ({"max_price": ["-1"]}, {}, [("max_price", "out_of_range")]),
        ({"max_price": ["abc"]}, {}, [("max_price", "not_number")]),
        ({"max_price": ["NaN"]}, {}, [("max_price", "not_number")]),
        ({"max_price": ["Infinity"]}, {}, [("max_price", "not_number")]),
        ({"max_price": ["1" * 40]}, {}, [("max_price", "not_number")]),
        ({"max_price": [""]}, {}, []),
        ({"users": ["12"]}, {"users": 12}, []),
        ({"users": ["0"]}, {}, [("users", "out_of_range")]),
        ({"users": ["-3"]}, {}, [("users", "not_number")]),
        ({"users": ["2.5"]}, {}, [("users", "not_number")]),
        ({"users": ["1000001"]}, {}, [("users", "out_of_range")]),
        ({"deployment": ["cloud", "HYBRID"]}, {"deployments": ("cloud", "hybrid")}, []),
        ({"deployment": ["saas"]}, {}, [("deployment", "unknown")]),
        ({"language": ["zh-tw", "ja"]}, {"languages": ("zh-TW", "ja")}, []),
        ({"language": ["klingon!"]}, {}, [("language", "unknown")]),
        ({"region": ["tw"]}, {"region": "TW"}, []),
        ({"region": ["JP-13"]}, {"region": "JP-13"}, []),
        ({"region": ["TW-XX"]}, {"region": "TW-XX"}, []),
        ({"region": ["XX"]}, {}, [("region", "unknown")]),
        ({"region": ["TW", "JP"]}, {"region": "TW"}, [("region", "too_many")]),
        ({"subsidy": ["1"], "trial": ["on"]}, {"subsidy": True, "trial": True}, []),
        ({"subsidy": ["0"], "trial": ["false"]}, {}, []),
        ({"trial": ["maybe"]}, {}, [("trial", "unknown")]),
        ({"sort": ["price"]}, {"sort": "price"}, []),
        ({"sort": ["newest"]}, {"sort": "newest"}, []),
        ({"sort": ["cheapest"]}, {}, [("sort", "unknown")]),
        ({"page": ["3"]}, {"page": 3}, []),
        ({"page": ["0"]}, {}, [("page", "out_of_range")]),
        ({"page": ["two"]}, {}, [("page", "not_number")]),
        (
            {"function": ["nope"], "page": ["0"], "sort": ["x"], "max_price": ["-5"]},
            {},
            [
                ("function", "unknown"),
                ("max_price", "out_of_range"),
                ("sort", "unknown"),
                ("page", "out_of_range"),
            ],
        ),
    ],
)
def test_parse_tool_filters(
    args: dict[str, list[str]], expected: dict[str, Any], notes: list[tuple[str, str]]
) -> None:
    filters, notices = parse_tool_filters(args, VOCABULARY)
    assert filters == ToolFilters(**expected)
    assert problems(notices) == notes


def test_unknown_code_notice_suggests_the_nearest_code() -> None:
    _filters, notices = parse_tool_filters({"function": ["sales.pso"]}, VOCABULARY)
    assert notices == [Notice("function", "sales.pso", "unknown", suggestion="sales.pos")]


def test_active_counts_each_narrowing_facet_once() -> None:
    assert ToolFilters().active == 0
    assert ToolFilters(users=5, sort="price", page=3).active == 0
    filters = ToolFilters(q="pos", functions=("sales", "finance"), max_price=D(0), trial=True)
    assert filters.active == 4


@pytest.mark.parametrize(
    ("args", "expected", "notes"),
    [
        ({}, CourseFilters(), []),
        (
            {"skill": ["skill.ai", "skill.nocode"], "format": ["online"]},
            CourseFilters(skills=("skill.ai", "skill.nocode"), formats=("online",)),
            [],
        ),
        ({"skill": ["skill.magic"]}, CourseFilters(), [("skill", "unknown")]),
        ({"format": ["video"]}, CourseFilters(), [("format", "unknown")]),
        ({"language": ["JA"]}, CourseFilters(languages=("ja",)), []),
        ({"region": ["tw-tpe"]}, CourseFilters(region="TW-TPE"), []),
        ({"region": ["Narnia"]}, CourseFilters(), [("region", "unknown")]),
        ({"page": ["-1"]}, CourseFilters(), [("page", "not_number")]),
    ],
)
def test_parse_course_filters(
    args: dict[str, list[str]], expected: CourseFilters, notes: list[tuple[str, str]]
) -> None:
    filters, notices = parse_course_filters(args, VOCABULARY)
    assert filters == expected
    assert problems(notices) == notes


@pytest.mark.parametrize(
    ("args", "expected", "notes"),
    [
        ({}, None, []),
        ({"country": ["tw"]}, "TW", []),
        ({"country": ["JP"]}, "JP", []),
        ({"country": ["US"]}, None, [("country", "unknown")]),
    ],
)
def test_parse_country(
    args: dict[str, list[str]], expected: str | None, notes: list[tuple[str, str]]
) -> None:
    country, notices = parse_country(args)
    assert country == expected
    assert problems(notices) == notes


@pytest.mark.parametrize(
    ("args", "slugs", "users", "notes"),
    [
        ({}, (), 1, []),
        ({"t": ["a-b", "cc", "a-b"]}, ("a-b", "cc"), 1, []),
        ({"t": ["aa,bb"], "users": ["3"]}, ("aa", "bb"), 3, []),
        ({"t": ["Bad Slug!", "ok"]}, ("ok",), 1, [("t", "unknown")]),
        (
            {"t": ["aa", "bb", "cc", "dd", "ee", "ff"]},
            ("aa", "bb", "cc", "dd"),
            1,
            [("t", "too_many")],
        ),
        ({"t": ["aa"], "users": ["lots"]}, ("aa",), 1, [("users", "not_number")]),
    ],
)
def test_parse_compare(
    args: dict[str, list[str]], slugs: tuple[str, ...], users: int, notes: list[tuple[str, str]]
) -> None:
    got_slugs, got_users, notices = parse_compare(args)
    assert (got_slugs, got_users) == (slugs, users)
    assert len(got_slugs) <= MAX_COMPARE
    assert problems(notices) == notes


def test_too_many_compare_names_the_dropped_slugs() -> None:
    _slugs, _users, notices = parse_compare({"t": ["aa", "bb", "cc", "dd", "ee", "ff"]})
    assert notices == [Notice("t", "ee, ff", "too_many", limit=MAX_COMPARE)]


def test_parse_users() -> None:
    assert parse_users({"users": ["7"]}) == (7, [])
    assert parse_users({"users": ["0"]})[0] == 1


@pytest.mark.parametrize(
    ("total", "page", "shown", "pages", "noted"),
    [
        (0, 1, 1, 1, False),
        (24, 1, 1, 1, False),
        (25, 2, 2, 2, False),
        (50, 3, 3, 3, False),
        (50, 9, 3, 3, True),
    ],
)
def test_paging(total: int, page: int, shown: int, pages: int, noted: bool) -> None:
    assert page_count(total) == pages
    page_shown, notices = clamp_page(page, total)
    assert page_shown == shown
    assert bool(notices) is noted
    items, got_page, got_pages = paginate(list(range(total)), page)
    assert (got_page, got_pages) == (shown, pages)
    assert items == list(range(total))[(shown - 1) * 24 : shown * 24]
