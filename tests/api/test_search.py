"""GET /api/v1/search gives exactly what `dx-match search ... --format json` prints."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from tests.api.conftest import get_json, problem_parameters

# (CLI arguments, the same as API parameters)
CASES = [
    (["POS"], {"q": "POS"}),
    (["勤怠管理 クラウド", "--lang", "ja"], {"q": "勤怠管理 クラウド", "lang": "ja"}),
    (["餐廳點餐系統", "--lang", "zh-TW"], {"q": "餐廳點餐系統", "lang": "zh-TW"}),
    ([""], {}),
    (["", "--industry", "I56", "--function", "sales"], {"industry": "I56", "function": "sales"}),
    (
        ["", "--max-price", "1000", "--currency", "TWD", "--users", "5"],
        {"max_price": "1000", "currency": "TWD", "users": "5"},
    ),
    (
        ["cloud", "--deployment", "cloud", "--trial"],
        {"q": "cloud", "deployment": "cloud", "trial": "true"},
    ),
    (["", "--language", "ja", "--region", "JP-13"], {"language": "ja", "region": "JP-13"}),
    (["", "--subsidy", "tw-cloud-market"], {"subsidy": "tw-cloud-market"}),
    (["accounting", "--limit", "3"], {"q": "accounting", "limit": "3"}),
    (["zzqxv"], {"q": "zzqxv"}),  # matches nothing
    (["!!!"], {"q": "!!!"}),  # nothing to search for
]


@pytest.mark.parametrize(("cli", "params"), CASES)
def test_search_equals_the_cli_json(
    client: FlaskClient, runner: FlaskCliRunner, cli: list[str], params: dict[str, str]
) -> None:
    result = runner.invoke(args=["search", *cli, "--format", "json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert get_json(client, "/api/v1/search", **params) == printed


def test_search_finds_something(client: FlaskClient) -> None:
    rows = get_json(client, "/api/v1/search", q="POS")
    assert rows and set(rows[0]) == {"slug", "name", "score"}
    assert all(isinstance(r["score"], float) and r["score"] > 0 for r in rows)


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"industry": "ZZ"}, ["industry"]),
        ({"function": "sales.po"}, ["function"]),
        ({"language": "not a tag"}, ["language"]),
        ({"region": "XX9"}, ["region"]),
        ({"subsidy": "no-such-subsidy"}, ["subsidy"]),
        ({"max_price": "100"}, ["currency"]),
        ({"max_price": "100", "currency": "EUR"}, ["currency"]),
        ({"max_price": "-1", "currency": "USD"}, ["max_price"]),
        ({"deployment": "moon"}, ["deployment"]),
        ({"limit": "0"}, ["limit"]),
        ({"users": "0"}, ["users"]),
        ({"industry": "ZZ", "subsidy": "nope"}, ["industry", "subsidy"]),
    ],
)
def test_a_bad_filter_is_a_422_naming_it(
    client: FlaskClient, params: dict[str, str], named: list[str]
) -> None:
    assert sorted(problem_parameters(client, "/api/v1/search", **params)) == named
