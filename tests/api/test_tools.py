"""GET /api/v1/tools and /api/v1/tools/{slug}: the /tools page's results, facets and pages."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from dx_match.catalog import costs
from dx_match.catalog.canonical import tool_row
from dx_match.catalog.models import Tool
from dx_match.extensions import db
from tests.api.conftest import get_json, problem_parameters

TOOL = "jadeledger-books"
RATES = {"USD": Decimal(1), "TWD": Decimal(32), "JPY": Decimal(150)}
# The page's checkbox names and the API's facet keys (one-value facets count under "yes").
PAGE_FACETS = {
    "function": "functions",
    "industry": "industries",
    "price": "price",
    "deployment": "deployment",
    "language": "languages",
    "subsidy": "subsidy_registered",
    "rated": "rating",
    "trial": "trial",
    "fresh": "fresh",
}
CHECKBOX = re.compile(r'name="(\w+)" value="([^"]+)"[^>]*>\s*<label[^>]*>(.*?)</label>', re.S)
COUNT = re.compile(r'<span class="facet-count">\((\d+)\)')


def page(client: FlaskClient, **args: Any) -> str:
    """The /tools page's HTML."""
    response = client.get("/tools", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def page_slugs(html: str) -> list[str]:
    """The tools a list page shows, in order."""
    return re.findall(r'name="t" value="([a-z0-9-]+)"', html)


def page_total(html: str) -> int:
    """The page's result count."""
    match = re.search(r'id="results-count"[^>]*>\s*(\d+)', html)
    assert match
    return int(match.group(1))


def page_facets(html: str) -> dict[tuple[str, str], int]:
    """Every facet count the page shows, keyed by the API's (facet, value)."""
    counts = {}
    for name, value, label in CHECKBOX.findall(html):
        if count := COUNT.search(label):
            key = "yes" if name in {"subsidy", "trial", "rated", "fresh"} else value
            counts[PAGE_FACETS[name], key] = int(count.group(1))
    return counts


def published(slug: str) -> Tool:
    """A tool by slug."""
    return db.session.scalars(sa.select(Tool).filter_by(slug=slug)).one()


SAME_AS_PAGE = [
    {},
    {"function": "sales"},
    {"function": ["sales.pos", "finance.accounting"], "industry": "I56"},
    {"industry": "I56", "max_price": "3000", "users": "3", "trial": "1", "sort": "price"},
    {"q": "POS", "deployment": "cloud"},
    {"q": "会計", "lang": "ja"},
    {"language": "ja", "region": "JP", "subsidy": "1"},
    {"price": ["free", "under_30"], "sort": "newest"},
    {"rated": "1", "sort": "rating"},
    {"fresh": "1", "function": "sales"},
    {"page": "2"},
    {"page": "999"},  # past the end: the last page, on both
    {"q": "invoce"},  # a typo: did-you-mean, on both
]


@pytest.mark.parametrize("args", SAME_AS_PAGE)
@pytest.mark.parametrize("currency", ["TWD", "USD"])
def test_results_facets_and_pages_equal_the_page(
    client: FlaskClient, args: dict[str, Any], currency: str
) -> None:
    lang = args.get("lang", "en")
    html = page(client, **{"lang": lang, **args, "cur": currency})
    body = get_json(client, "/api/v1/tools", **{"lang": lang, **args, "currency": currency})
    assert [item["slug"] for item in body["items"]] == page_slugs(html)
    assert body["total"] == page_total(html)
    shown = page_facets(html)
    assert shown, "the page shows facet counts"
    for (facet, value), count in shown.items():
        assert body["facets"][facet].get(value, 0) == count, (facet, value)
    assert body["currency"] == currency and body["lang"] == lang


def test_a_page_past_the_end_is_the_last_page_with_a_notice(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/tools", page="999")
    assert body["page"] == body["pages"] > 1
    assert body["items"]
    assert body["notices"] == [
        {
            "parameter": "page",
            "value": "999",
            "problem": "past_end",
            "suggestion": None,
            "limit": body["pages"],
        }
    ]


def test_per_page_pages_cover_every_tool_once(client: FlaskClient) -> None:
    first = get_json(client, "/api/v1/tools", per_page="7")
    assert len(first["items"]) == 7 and first["per_page"] == 7
    assert first["pages"] == -(-first["total"] // 7)
    seen = []
    for number in range(1, first["pages"] + 1):
        seen += [
            i["slug"] for i in get_json(client, "/api/v1/tools", per_page="7", page=number)["items"]
        ]
    everything = get_json(client, "/api/v1/tools", per_page="100")
    assert len(seen) == len(set(seen)) == first["total"]
    assert seen[:100] == [item["slug"] for item in everything["items"]]


@pytest.mark.parametrize(("users", "currency"), [("1", "TWD"), ("12", "JPY"), ("40", "USD")])
def test_monthly_cost_is_the_cheapest_plan_for_the_users(
    client: FlaskClient, users: str, currency: str
) -> None:
    body = get_json(client, "/api/v1/tools", users=users, currency=currency, per_page="100")
    assert body["users"] == int(users)
    for item in body["items"][:30]:
        expected = costs.monthly_cost(published(item["slug"]).plans, int(users), currency, RATES)
        assert item["monthly_cost"] == (
            None if expected is None else pytest.approx(float(expected))
        )


def test_texts_as_stored_and_localized_by_lang_or_accept_language(client: FlaskClient) -> None:
    items = get_json(client, "/api/v1/tools", q="JadeLedger Books", lang="ja")["items"]
    ja = next(item for item in items if item["slug"] == TOOL)
    assert ja["name"] == {
        "en": "JadeLedger Books",
        "zh-TW": "翠帳雲端記帳",
        "ja": "ジェイドレジャー・ブックス",
    }
    assert ja["localized"]["name"] == "ジェイドレジャー・ブックス"
    response = client.get(
        "/api/v1/tools",
        query_string={"q": "JadeLedger Books"},
        headers={"Accept-Language": "zh-TW,en;q=0.5"},
    )
    body = response.get_json()
    assert body["lang"] == "zh-TW" and body["currency"] == "TWD"
    zh = next(item for item in body["items"] if item["slug"] == TOOL)
    assert zh["localized"]["name"] == "翠帳雲端記帳"


BAD = [
    ({"industry": "ZZ9"}, ["industry"]),
    ({"function": "sales.po"}, ["function"]),
    ({"deployment": "moon"}, ["deployment"]),
    ({"language": "not a tag"}, ["language"]),
    ({"region": "XX-999"}, ["region"]),
    ({"price": "cheap"}, ["price"]),
    ({"sort": "best"}, ["sort"]),
    ({"users": "0"}, ["users"]),
    ({"users": "many"}, ["users"]),
    ({"page": "0"}, ["page"]),
    ({"per_page": "500"}, ["per_page"]),
    ({"max_price": "-1"}, ["max_price"]),
    ({"max_price": "cheap"}, ["max_price"]),
    ({"currency": "EUR"}, ["currency"]),
    ({"lang": "fr"}, ["lang"]),
    ({"trial": "maybe"}, ["trial"]),
    ({"q": "x" * 201}, ["q"]),
    (
        {"industry": "ZZ9", "function": "nope", "currency": "EUR"},
        ["industry", "function", "currency"],
    ),
]


@pytest.mark.parametrize(("args", "named"), BAD)
def test_a_value_the_page_would_drop_is_a_422_naming_the_parameter(
    client: FlaskClient, args: dict[str, str], named: list[str]
) -> None:
    assert sorted(problem_parameters(client, "/api/v1/tools", **args)) == sorted(named)


def test_a_422_suggests_the_nearest_code(client: FlaskClient) -> None:
    problem = get_json(client, "/api/v1/tools", 422, function="sales.po")
    assert problem["errors"][0]["suggestion"] == "sales.pos"
    assert "sales.pos" in problem["errors"][0]["detail"]


# -- one tool -----------------------------------------------------------------------------


def test_tool_is_its_exchange_row_with_cost_and_subsidies(client: FlaskClient) -> None:
    body = get_json(
        client, f"/api/v1/tools/{TOOL}", users="3", currency="TWD", today="2026-06-01", lang="ja"
    )
    tool = published(TOOL)
    row = tool_row(tool)
    assert body["tool"]["slug"] == TOOL and body["tool"]["vendor"] == "jadeledger"
    assert body["tool"]["name"] == row["name"] and body["tool"]["plans"][0] == {
        "name": "Starter",
        "model": "flat_month",
        "price": 390.0,
        "currency": "TWD",
    }
    assert set(body["tool"]) == set(row)
    assert body["localized"]["name"] == "ジェイドレジャー・ブックス"
    assert body["vendor"]["slug"] == "jadeledger"
    expected = costs.tool_cost(
        tool.plans, tool.subsidies, users=3, currency="TWD", rates=RATES, today=date(2026, 6, 1)
    )
    assert body["cost"]["monthly"] == pytest.approx(float(expected.monthly or 0)) == 390
    assert body["cost"]["first_year"] == pytest.approx(float(expected.first_year or 0))
    assert body["cost"]["cheapest_plan"] == 0
    [estimate] = body["subsidies"]
    assert estimate["slug"] == "tw-cloud-market" and estimate["state"] == "open"
    assert estimate["amount"] == pytest.approx(float(expected.subsidies[0].amount or 0))
    assert estimate["amount"] > 0
    assert estimate["net_first_year"] == pytest.approx(
        body["cost"]["first_year"] - estimate["amount"]
    )


@pytest.mark.parametrize(("today", "state"), [("2026-01-01", "upcoming"), ("2027-01-01", "closed")])
def test_subsidy_state_follows_today(client: FlaskClient, today: str, state: str) -> None:
    body = get_json(client, f"/api/v1/tools/{TOOL}", today=today)
    assert [s["state"] for s in body["subsidies"]] == [state]


def test_quote_only_tool_has_no_cost(client: FlaskClient) -> None:
    quote = next(
        t
        for t in db.session.scalars(sa.select(Tool).filter_by(status="published"))
        if t.plans and all(p.model == "quote" for p in t.plans)
    )
    body = get_json(client, f"/api/v1/tools/{quote.slug}")
    assert body["cost"]["monthly"] is None and body["cost"]["cheapest_plan"] is None


@pytest.mark.parametrize("slug", ["no-such-tool", "Bad Slug!"])
def test_unknown_tool_is_a_404_problem(client: FlaskClient, slug: str) -> None:
    problem = get_json(client, f"/api/v1/tools/{slug}", 404)
    assert problem["status"] == 404 and problem["instance"] == f"/api/v1/tools/{slug}"


def test_unpublished_tool_is_a_404(client: FlaskClient) -> None:
    published(TOOL).status = "pending"
    db.session.flush()
    get_json(client, f"/api/v1/tools/{TOOL}", 404)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ({"users": "0"}, ["users"]),
        ({"currency": "XXX"}, ["currency"]),
        ({"today": "soon"}, ["today"]),
        ({"lang": "de"}, ["lang"]),
        ({"currency": "XXX", "lang": "de"}, ["currency", "lang"]),
    ],
)
def test_tool_parameters_are_checked(
    client: FlaskClient, args: dict[str, str], named: list[str]
) -> None:
    assert sorted(problem_parameters(client, f"/api/v1/tools/{TOOL}", **args)) == named
