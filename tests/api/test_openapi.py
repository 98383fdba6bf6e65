"""The OpenAPI document is valid 3.1, covers every /api/v1 route, and its docs page is offline."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from tests.api.conftest import get_json


def document(client: FlaskClient) -> dict[str, Any]:
    """The served OpenAPI document."""
    body = get_json(client, "/api/openapi.json")
    assert isinstance(body, dict)
    return body


def test_document_is_valid_openapi_3_1(client: FlaskClient) -> None:
    doc = document(client)
    assert doc["openapi"] == "3.1.0"
    validate(doc)


def test_an_invalid_document_would_fail(client: FlaskClient) -> None:
    doc = document(client)
    doc["paths"]["/api/v1/tools"]["get"]["responses"] = "nothing"
    with pytest.raises(OpenAPIValidationError):
        validate(doc)


def test_every_api_route_is_documented_with_its_methods(app: Flask, client: FlaskClient) -> None:
    paths = document(client)["paths"]
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")]
    assert len(rules) >= 11
    for rule in rules:
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        assert path in paths, path
        methods = {m.lower() for m in rule.methods or ()} - {"head", "options"}
        assert methods <= set(paths[path]), (path, methods)


def test_errors_are_documented_as_problem_json(client: FlaskClient) -> None:
    doc = document(client)
    default = doc["components"]["responses"]["DEFAULT_ERROR"]
    assert list(default["content"]) == ["application/problem+json"]
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method == "parameters":  # shared path parameters, not an operation
                continue
            assert "default" in operation["responses"], (path, method)


def test_docs_page_loads_only_shipped_assets_and_no_inline_script(client: FlaskClient) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        served = client.get(asset)
        served.close()  # static files are streamed: close them, or a ResourceWarning fails the test
        assert served.status_code == 200, asset
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert 'data-spec-url="/api/openapi.json"' in html
