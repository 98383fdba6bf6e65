"""Errors under /api are RFC 9457 problems; pages keep their HTML; CSRF spares only token calls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dx_match import create_app
from tests.api.conftest import PROBLEM, get_json


def test_unknown_api_address_is_a_404_problem(client: FlaskClient) -> None:
    problem = get_json(client, "/api/v1/nothing-here", 404)
    assert problem["title"] == "Not Found" and problem["instance"] == "/api/v1/nothing-here"


def test_wrong_method_is_a_405_problem_with_allow(client: FlaskClient) -> None:
    response = client.post("/api/v1/tools")
    assert response.status_code == 405 and response.mimetype == PROBLEM
    assert "GET" in response.headers["Allow"]


def test_pages_still_answer_html_errors(client: FlaskClient) -> None:
    response = client.get("/tools/no-such-tool")
    assert response.status_code == 404 and response.mimetype == "text/html"


@pytest.fixture
def fresh_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app of its own (CSRF on), to add probe routes to the API blueprint before serving."""
    app = create_app(
        {
            "DX_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DX_INSTANCE_PATH": str(tmp_path),
            "WTF_CSRF_ENABLED": True,
        }
    )

    def boom() -> str:
        raise RuntimeError("secret internals")

    def echo() -> dict[str, bool]:
        return {"ok": True}

    # Endpoints named "api.*" belong to the API blueprint: its before_request hooks apply.
    app.add_url_rule("/api/v1/_boom", "api.boom", boom)
    app.add_url_rule("/api/v1/_echo", "api.echo", echo, methods=["POST"])
    yield app


def test_a_crash_is_a_500_problem_without_internals(fresh_app: Flask) -> None:
    fresh_app.logger.disabled = True  # the traceback is logged on purpose; keep the output quiet
    response = fresh_app.test_client().get("/api/v1/_boom")
    assert response.status_code == 500 and response.mimetype == PROBLEM
    assert "secret" not in response.get_data(as_text=True)


def test_api_writes_need_a_csrf_token_unless_token_authenticated(fresh_app: Flask) -> None:
    client = fresh_app.test_client()
    refused = client.post("/api/v1/_echo")
    assert refused.status_code == 400 and refused.mimetype == PROBLEM
    assert "CSRF" in refused.get_json()["detail"]
    allowed = client.post("/api/v1/_echo", headers={"Authorization": "Bearer token"})
    assert allowed.status_code == 200 and allowed.get_json() == {"ok": True}
