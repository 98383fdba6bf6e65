"""One advisor sees nothing of another's clients and sets; an SME nothing of another's."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.advisory.conftest import Workspace
from tests.conftest import AuthActions


def test_another_advisor_gets_404_everywhere(
    workspace: Workspace, app: Flask, make_user: Any
) -> None:
    client_id, row = workspace.sent_set()
    item = row.items[0].id
    other = app.test_client()
    assert AuthActions(other).login(make_user("advisor")).status_code == 302
    for method, url in [
        ("GET", f"/advisor/clients/{client_id}"),
        ("POST", f"/advisor/clients/{client_id}/invite"),
        ("POST", f"/advisor/clients/{client_id}/survey"),
        ("POST", f"/advisor/clients/{client_id}/sets"),
        ("GET", f"/advisor/sets/{row.id}"),
        ("POST", f"/advisor/sets/{row.id}"),
        ("GET", f"/advisor/sets/{row.id}/preview"),
        ("POST", f"/advisor/sets/{row.id}/send"),
        ("POST", f"/advisor/sets/{row.id}/items/{item}/stage"),
    ]:
        assert other.open(url, method=method).status_code == 404, (method, url)
    # The autosave's JSON answers 404 too, and the list shows none of the first advisor's clients.
    autosave = other.post(
        f"/advisor/sets/{row.id}", headers={"X-Autosave": "1", "Accept": "application/json"}
    )
    assert autosave.status_code == 404 and autosave.is_json
    assert "Café Lin" not in other.get("/advisor/clients").text


def test_another_sme_gets_404(workspace: Workspace, app: Flask, make_user: Any) -> None:
    client_id, row = workspace.sent_set()
    other = app.test_client()
    assert AuthActions(other).login(make_user("sme")).status_code == 302
    assert other.get(f"/sets/{row.id}").status_code == 404
    assert other.post(f"/sets/{row.id}/items/{row.items[0].id}/respond").status_code == 404
    assert other.post(f"/sets/advisors/{client_id}/revoke").status_code == 404
    assert f"/sets/{row.id}" not in other.get("/sets").text
