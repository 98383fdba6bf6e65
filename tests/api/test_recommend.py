"""`POST /api/v1/recommend`: the CLI's JSON over HTTP, with field-named 422s."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from tests.recommend.conftest import CAFE_TAIPEI, TOKYO_BUILDER


def _cli(runner: FlaskCliRunner, tmp_path: Path, profile: dict[str, Any], *args: str) -> Any:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    result = runner.invoke(args=["recommend", "--profile", str(path), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(("profile", "lang"), [(CAFE_TAIPEI, "zh-TW"), (TOKYO_BUILDER, "ja")])
def test_same_answer_as_the_cli(
    client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path, profile: Any, lang: str
) -> None:
    response = client.post(f"/api/v1/recommend?today=2026-11-26&lang={lang}", json=profile)
    assert response.status_code == 200, response.get_json()
    expected = _cli(runner, tmp_path, profile, "--today", "2026-11-26", "--lang", lang)
    assert response.get_json() == expected
    assert expected["tools"] and expected["subsidies"]


def test_the_day_decides_the_subsidies(client: FlaskClient) -> None:
    def slugs(day: str) -> set[str]:
        body = client.post(f"/api/v1/recommend?today={day}", json=CAFE_TAIPEI).get_json()
        return {s["slug"] for s in body["subsidies"]}

    assert "tw-cloud-market" in slugs("2026-11-26")
    assert "tw-cloud-market" not in slugs("2027-01-05")  # closed on 2026-12-31


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        ({"employees": "many"}, "employees"),  # a type error: the schema's check
        ({"capital": float("nan")}, "capital"),
        ({"deployment": "saas"}, "deployment"),  # a rule: the recommender's own check
        ({"industry": "restaurant"}, "industry"),
        ({"goals": ["pos"]}, "goals[1]"),
        ({"currency": "NTD"}, "currency"),
        ({"employees": -3}, "employees"),
        ({"employee": 3}, "employee"),
    ],
)
def test_bad_profiles_are_422_naming_the_field(
    client: FlaskClient, change: dict[str, Any], parameter: str
) -> None:
    body = json.dumps(CAFE_TAIPEI | change, allow_nan=True)
    response = client.post(
        "/api/v1/recommend", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    named = [e["parameter"] for e in response.get_json()["errors"]]
    assert any(parameter == name or name.endswith(parameter) for name in named), named


def test_missing_required_fields_are_each_named(client: FlaskClient) -> None:
    response = client.post("/api/v1/recommend", json={"country": "TW"})
    assert response.status_code == 422
    named = {e["parameter"] for e in response.get_json()["errors"]}
    assert {"industry", "employees", "currency", "goals"} <= {n.split(".")[-1] for n in named}


def test_a_profile_nothing_fits_gets_empty_lists(client: FlaskClient) -> None:
    nowhere = {"country": "US", "industry": "A01", "employees": 2, "currency": "USD"}
    response = client.post("/api/v1/recommend", json=nowhere | {"goals": ["ops.iot"]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["subsidies"] == [] and set(body) == {"tools", "subsidies", "courses"}


def test_the_document_describes_it(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/recommend"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert "goals" in json.dumps(spec["components"]["schemas"]) and schema
    assert "200" in operation["responses"] and "422" in operation["responses"]
