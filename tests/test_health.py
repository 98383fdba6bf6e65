"""The health check used by load balancers and the page benchmark."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_healthz_answers_with_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
