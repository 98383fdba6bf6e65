"""Helpers for API tests: JSON requests that check status and media type."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

PROBLEM = "application/problem+json"


def get_json(client: FlaskClient, path: str, status: int = 200, **params: Any) -> Any:
    """GET `path` with query `params`; fails unless it answers `status` with JSON."""
    response = client.get(path, query_string=params)
    assert response.status_code == status, (path, params, response.get_data(as_text=True)[:500])
    expected = "application/json" if status < 400 else PROBLEM
    assert response.mimetype == expected, response.mimetype
    return response.get_json()


def problem_parameters(client: FlaskClient, path: str, **params: Any) -> list[str]:
    """The parameters a 422 problem names (checking the RFC 9457 members on the way)."""
    problem = get_json(client, path, 422, **params)
    assert problem["status"] == 422 and problem["type"] == "about:blank" and problem["title"]
    assert all(error["detail"] for error in problem["errors"])
    return [error["parameter"] for error in problem["errors"]]
