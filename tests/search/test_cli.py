"""`dx-match search QUERY [filters] --format json`: the command-line contract of the catalog spec,
every filter checked against the rows of the demo catalog and the pricing rules."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from dx_match.catalog.models import Tool
from dx_match.catalog.pricing import PlanPrice, tool_monthly_cost
from dx_match.extensions import db
from dx_match.i18n import localized
from dx_match.search.backends.whoosh_backend import WhooshBackend
from dx_match.search.service import EXTENSION_KEY, SearchService


@dataclass(frozen=True)
class Row:
    """What the filters look at, of one published tool."""

    slug: str
    name: str
    functions: tuple[str, ...]
    industries: tuple[str, ...]
    regions: tuple[str, ...]
    languages: tuple[str, ...]
    subsidies: tuple[str, ...]
    deployment: str | None
    trial_days: int
    plans: tuple[PlanPrice, ...]


@pytest.fixture(scope="module")
def rows(app: Flask) -> list[Row]:
    """Every published tool of the demo catalog, read once for the module."""
    with app.app_context():
        tools = db.session.scalars(sa.select(Tool).where(Tool.status == "published")).all()
        result = [
            Row(
                slug=t.slug,
                name=localized(t.name, "en"),
                functions=tuple(t.functions),
                industries=tuple(t.industries),
                regions=tuple(t.regions),
                languages=tuple(t.languages),
                subsidies=tuple(s.slug for s in t.subsidies),
                deployment=t.deployment,
                trial_days=t.trial_days,
                plans=tuple(PlanPrice(p.model, p.price, p.currency, p.min_users) for p in t.plans),
            )
            for t in tools
        ]
        db.session.remove()
    return result


@pytest.fixture(scope="module")
def index(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchService]:
    """A private index of the demo catalog, built once: these tests only read it.

    (Like `search_sandbox`, but per module: a rebuild per test would cost seconds each.)
    """
    root = tmp_path_factory.mktemp("cli-index")
    service = SearchService(WhooshBackend(root / "whoosh"), root / "indexer.lock")
    with app.app_context():
        service.backend.rebuild(service.documents())
        db.session.remove()
    yield service
    service.backend.close()


@pytest.fixture(autouse=True)
def _private_index(app: Flask, index: SearchService) -> Iterator[None]:
    """Point the CLI at the module's index."""
    original = app.extensions.get(EXTENSION_KEY)
    app.extensions[EXTENSION_KEY] = index
    yield
    app.extensions[EXTENSION_KEY] = original


def search(runner: FlaskCliRunner, *args: str) -> list[dict[str, Any]]:
    """Run `dx-match search ARGS --format json` (up to 1000 rows unless ARGS say) and parse it."""
    limit = () if "--limit" in args else ("--limit", "1000")
    result = runner.invoke(args=["search", *args, *limit, "--format", "json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert isinstance(printed, list)
    return printed


def slugs(printed: list[dict[str, Any]]) -> set[str]:
    """The slugs of printed rows, checking that none is printed twice."""
    found = [row["slug"] for row in printed]
    assert len(found) == len(set(found))
    return set(found)


def covers(listed: str, code: str) -> bool:
    """The spec's prefix rule for industry codes (`I` covers `I56`)."""
    return code.startswith(listed)


def region_covers(listed: str, code: str) -> bool:
    """The spec's rule for regions: a country covers its subdivisions (`JP` covers `JP-13`)."""
    return code == listed or code.startswith(f"{listed}-")


# -- the output ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "language"), [("POS", "en"), ("勤怠管理 クラウド", "ja"), ("餐廳點餐系統", "zh-TW")]
)
def test_json_rows_are_slug_name_score_best_first(
    runner: FlaskCliRunner, rows: list[Row], query: str, language: str
) -> None:
    printed = search(runner, query)
    assert len(printed) >= 3
    by_slug = {row.slug: row for row in rows}
    for row in printed:
        assert set(row) == {"slug", "name", "score"}
        assert isinstance(row["score"], float) and row["score"] > 0
        assert row["name"] == by_slug[row["slug"]].name
    # Best first, as documented: tools with a UI in the query's language, then by score.
    ranks = [(language not in by_slug[row["slug"]].languages, -row["score"]) for row in printed]
    assert ranks == sorted(ranks)


# -- each filter --------------------------------------------------------------------------

FILTERS: list[tuple[list[str], Callable[[Row], bool]]] = [
    (["--industry", "I56"], lambda r: not r.industries or any(covers(c, "I56") for c in r.industries)),
    (["--industry", "C10"], lambda r: not r.industries or any(covers(c, "C10") for c in r.industries)),
    (["--industry", "G"], lambda r: not r.industries or any(covers(c, "G") for c in r.industries)),
    (["--function", "sales"], lambda r: any(f.startswith("sales.") for f in r.functions)),
    (["--function", "hr"], lambda r: any(f.startswith("hr.") for f in r.functions)),
    (["--function", "sales.pos"], lambda r: "sales.pos" in r.functions),
    (["--deployment", "cloud"], lambda r: r.deployment == "cloud"),
    (["--deployment", "on_premise"], lambda r: r.deployment == "on_premise"),
    (["--deployment", "hybrid"], lambda r: r.deployment == "hybrid"),
    (["--language", "ja"], lambda r: "ja" in r.languages),
    (["--language", "zh-TW"], lambda r: "zh-TW" in r.languages),
    (["--language", "ko"], lambda r: "ko" in r.languages),
    (["--region", "JP-13"], lambda r: not r.regions or any(region_covers(c, "JP-13") for c in r.regions)),
    (["--region", "TW-TPE"], lambda r: not r.regions or any(region_covers(c, "TW-TPE") for c in r.regions)),
    (["--region", "JP"], lambda r: not r.regions or any(region_covers(c, "JP") for c in r.regions)),
    (["--subsidy", "jp-it-intro"], lambda r: "jp-it-intro" in r.subsidies),
    (["--subsidy", "tw-cloud-market"], lambda r: "tw-cloud-market" in r.subsidies),
    (["--trial"], lambda r: r.trial_days > 0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "keeps"), FILTERS, ids=["=".join(args).lstrip("-") for args, _ in FILTERS]
)
def test_each_filter_keeps_exactly_the_tools_the_spec_says(
    runner: FlaskCliRunner, rows: list[Row], args: list[str], keeps: Callable[[Row], bool]
) -> None:
    expected = {row.slug for row in rows if keeps(row)}
    assert 0 < len(expected) < len(rows), "the demo catalog no longer tests this filter"
    assert slugs(search(runner, *args)) == expected


@pytest.mark.parametrize(
    "limit",
    [
        ("1000", "TWD", 5),
        ("1000", "twd", 1),
        ("30", "USD", 1),
        ("30", "USD", 10),
        ("5000", "JPY", 3),
        ("0", "USD", 1),
        ("1000000000", "USD", 50),
    ],
    ids=lambda case: "-".join(map(str, case)),
)
def test_max_price_keeps_tools_whose_cheapest_plan_fits(
    app: Flask, runner: FlaskCliRunner, rows: list[Row], limit: tuple[str, str, int]
) -> None:
    max_price, currency, users = limit
    rates = app.config["DX_RATES"]

    def fits(row: Row) -> bool:
        cost = tool_monthly_cost(row.plans, users, currency.upper(), rates)
        return cost is not None and cost <= Decimal(max_price)

    expected = {row.slug for row in rows if fits(row)}
    assert expected
    args = ["--max-price", max_price, "--currency", currency]
    found = slugs(search(runner, *args, *(["--users", str(users)] if users != 1 else [])))
    assert found == expected
    quote_only = {row.slug for row in rows if all(p.model == "quote" for p in row.plans)}
    assert quote_only and not quote_only & found  # quote-only tools never pass


def test_users_raise_the_cost_of_per_user_plans(runner: FlaskCliRunner) -> None:
    few = slugs(search(runner, "--max-price", "1000", "--currency", "TWD", "--users", "1"))
    many = slugs(search(runner, "--max-price", "1000", "--currency", "TWD", "--users", "50"))
    assert many < few


# -- combinations, limits, nothing found ----------------------------------------------------


def test_filters_combine_with_and(runner: FlaskCliRunner) -> None:
    parts = [["--function", "sales"], ["--region", "TW-TPE"], ["--trial"], ["--language", "en"]]
    alone = [slugs(search(runner, *part)) for part in parts]
    together = slugs(search(runner, *(arg for part in parts for arg in part)))
    assert together == set.intersection(*alone)
    assert together and all(together < single for single in alone)


def test_filters_narrow_a_text_query(runner: FlaskCliRunner, rows: list[Row]) -> None:
    everything = search(runner, "POS")
    in_japan = search(runner, "POS", "--region", "JP-13", "--deployment", "cloud")
    by_slug = {row.slug: row for row in rows}
    expected = [
        row["slug"]
        for row in everything
        if by_slug[row["slug"]].deployment == "cloud"
        and (
            not by_slug[row["slug"]].regions
            or any(region_covers(c, "JP-13") for c in by_slug[row["slug"]].regions)
        )
    ]
    assert 0 < len(expected) < len(everything)
    assert [row["slug"] for row in in_japan] == expected  # same order, fewer rows


@pytest.mark.parametrize("limit", [1, 3, 7])
@pytest.mark.parametrize("query", ["", "POS"])
def test_limit_prints_the_first_n(runner: FlaskCliRunner, query: str, limit: int) -> None:
    everything = search(runner, query)
    assert len(everything) > limit
    assert search(runner, query, "--limit", str(limit)) == everything[:limit]


def test_default_limit_is_twenty(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["search", "", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 20


@pytest.mark.parametrize("query", ["qzxvbnmwk", "ｑｚｘｖｂｎｍｗｋ", "qzxvbnmwk zzyzzyva"])
def test_a_query_matching_nothing_prints_an_empty_list(runner: FlaskCliRunner, query: str) -> None:
    assert search(runner, query) == []


EXCLUDING: list[tuple[list[list[str]], Callable[[Row], bool]]] = [
    ([["--deployment", "on_premise"], ["--subsidy", "tw-cloud-market"]],
     lambda r: r.deployment == "on_premise" and "tw-cloud-market" in r.subsidies),
    ([["--max-price", "0", "--currency", "USD"], ["--deployment", "on_premise"]],
     lambda r: r.deployment == "on_premise" and any(p.model == "free" for p in r.plans)),
]  # fmt: skip


@pytest.mark.parametrize("query", ["", "POS"])
@pytest.mark.parametrize(
    ("parts", "keeps"), EXCLUDING, ids=["on-premise-subsidy", "on-premise-free"]
)
def test_filters_excluding_everything_print_an_empty_list(
    runner: FlaskCliRunner,
    rows: list[Row],
    query: str,
    parts: list[list[str]],
    keeps: Callable[[Row], bool],
) -> None:
    assert not any(keeps(row) for row in rows)
    assert all(search(runner, query, *part) for part in parts)  # each filter alone finds some
    assert search(runner, query, *(arg for part in parts for arg in part)) == []


@pytest.mark.parametrize("query", ["((((", "))))", '"""', "*:*", "[]{}()", "\\", "-", "AND OR"])
def test_a_query_with_nothing_to_search_for_prints_an_empty_list(
    runner: FlaskCliRunner, query: str
) -> None:
    assert search(runner, query) == []


def test_punctuation_around_words_is_ignored(runner: FlaskCliRunner) -> None:
    assert search(runner, "((POS") == search(runner, "POS") != []


# -- bad values -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--industry", "Z99"], "--industry"),
        (["--industry", "I5"], "--industry"),
        (["--function", "sales.nope"], "--function"),
        (["--max-price", "abc", "--currency", "TWD"], "--max-price"),
        (["--max-price", "-1", "--currency", "TWD"], "--max-price"),
        (["--max-price", "NaN", "--currency", "TWD"], "--max-price"),
        (["--max-price", "", "--currency", "TWD"], "--max-price"),
        (["--max-price", "1000"], "--currency"),
        (["--max-price", "1000", "--currency", "XYZ"], "--currency"),
        (["--currency", "EURO"], "--currency"),
        (["--users", "0"], "--users"),
        (["--users", "many"], "--users"),
        (["--deployment", "saas"], "--deployment"),
        (["--language", "klingon!"], "--language"),
        (["--region", "XX"], "--region"),
        (["--subsidy", "no-such-subsidy"], "--subsidy"),
        (["--limit", "0"], "--limit"),
    ],
)
def test_a_bad_value_exits_non_zero_naming_the_option(
    runner: FlaskCliRunner, args: list[str], option: str
) -> None:
    result = runner.invoke(args=["search", "POS", *args, "--format", "json"])
    assert result.exit_code != 0
    assert option in result.output
    assert not result.stdout.lstrip().startswith("[")


def test_no_database_write_and_no_index_write(runner: FlaskCliRunner, index: SearchService) -> None:
    """A query reads only: the index files and the generation are left as they were."""
    assert isinstance(index.backend, WhooshBackend)
    root = index.backend.root
    before = sorted((p.name, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file())
    generation = index.generation()
    search(runner, "POS", "--trial")
    assert sorted((p.name, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()) == before
    assert index.generation() == generation
