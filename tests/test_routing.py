"""Numbers in URLs beyond what an integer column holds are unknown ids (404), on every database."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dx_match.routing import MAX_INT4
from tests.conftest import AuthActions

HUGE = 10**12  # PostgreSQL refuses it for an integer column (a 500 before the converter)


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("vendor", f"/dashboard/revisions/{HUGE}"),
        ("vendor", f"/inbox/{HUGE}"),
        ("advisor", f"/advisor/clients/{HUGE}"),
        ("advisor", f"/advisor/clients/{MAX_INT4 + 1}/calendar.ics"),
    ],
)
def test_a_huge_id_is_not_found(
    client: FlaskClient,
    auth: AuthActions,
    make_user,
    role: str,
    path: str,  # type: ignore[no-untyped-def]
) -> None:
    auth.login(make_user(role))
    assert client.get(path).status_code == 404


def test_the_largest_id_is_still_looked_up(
    client: FlaskClient, auth: AuthActions, make_user
) -> None:  # type: ignore[no-untyped-def]
    auth.login(make_user("vendor"))
    assert client.get(f"/dashboard/revisions/{MAX_INT4}").status_code == 404  # no such row


def test_the_api_documents_the_bound(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    parameters = []
    for item in document["paths"].values():  # path parameters sit on the path or its operations
        parameters += item.get("parameters", [])
        for operation in item.values():
            if isinstance(operation, dict):
                parameters += operation.get("parameters", [])
    parameters = [p for p in parameters if p["in"] == "path" and p["schema"]["type"] == "integer"]
    assert parameters and all(p["schema"]["maximum"] == MAX_INT4 for p in parameters)
