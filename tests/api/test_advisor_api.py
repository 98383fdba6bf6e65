"""The advisor API: clients and sets by bearer token, through the workspace's own services."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from dx_match.accounts.models import User
from dx_match.advisory.models import AdvisorClient, RecommendationSet
from dx_match.audit.models import AuditEntry
from dx_match.catalog.models import Course
from dx_match.extensions import db
from dx_match.notify.models import OutboxMessage
from dx_match.reviews.models import Adoption
from tests.advisory.conftest import Workspace, count, workspace  # noqa: F401
from tests.api.test_me import bearer, problem, token_for


@pytest.fixture
def api(workspace: Workspace) -> FlaskClient:  # noqa: F811
    """A client with no session: the token is the only credential."""
    return workspace.app.test_client()


def advisor_headers(workspace: Workspace, *scopes: str) -> dict[str, str]:  # noqa: F811
    return bearer(token_for(workspace.advisor, *scopes))


def drafted(workspace: Workspace) -> tuple[int, RecommendationSet]:  # noqa: F811
    """A client with a saved survey and a draft set (made through the pages)."""
    client_id = workspace.new_client()
    workspace.fill_survey(client_id)
    return client_id, workspace.new_set(client_id)


def test_create_list_and_read_a_client_with_an_invitation(
    api: FlaskClient,
    workspace: Workspace,  # noqa: F811
) -> None:
    headers = advisor_headers(workspace)
    response = api.post(
        "/api/v1/me/clients",
        json={"name": " Tea House Wu ", "contact_email": "Wu@Tea.example", "invite": True},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    body = response.get_json()
    assert body["name"] == "Tea House Wu" and body["contact_email"] == "wu@tea.example"
    assert body["invited_at"] is not None and body["claimed"] is False
    assert [e["kind"] for e in body["timeline"]] == ["invited", "created"]
    assert count(OutboxMessage, OutboxMessage.to_address == "wu@tea.example") == 1

    listed = api.get("/api/v1/me/clients", headers=headers).get_json()["clients"]
    assert [c["id"] for c in listed] == [body["id"]]
    one = api.get(f"/api/v1/me/clients/{body['id']}", headers=headers)
    assert one.status_code == 200 and one.get_json()["profile_versions"] == []
    audited = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.target_id == str(body["id"]))
    ).all()
    assert "advisory.client_create" in audited and "advisory.access" in audited


def test_bad_client_input_names_the_field_and_saves_nothing(
    api: FlaskClient,
    workspace: Workspace,  # noqa: F811
) -> None:
    headers = advisor_headers(workspace)
    for body, field in (
        ({"name": "Wu", "invite": True}, "contact_email"),
        ({"name": "   "}, "name"),
        ({"name": "Wu", "locale": "fr"}, "locale"),
        ({"name": "Wu\x00"}, "name"),
        ({"name": "Wu", "contact_email": "not-an-address"}, "contact_email"),
    ):
        response = api.post("/api/v1/me/clients", json=body, headers=headers)
        assert [e["parameter"] for e in problem(response, 422)["errors"]] == [field], body
    assert count(AdvisorClient) == 0


def test_draft_from_the_proposal_edit_with_if_match_and_send(
    api: FlaskClient,
    workspace: Workspace,  # noqa: F811
) -> None:
    headers = advisor_headers(workspace)
    client_id = workspace.new_client()
    workspace.fill_survey(client_id)
    created = api.post(f"/api/v1/me/clients/{client_id}/sets", headers=headers)
    assert created.status_code == 201, created.text
    draft = created.get_json()
    assert draft["state"] == "draft" and len(draft["items"]) >= 3
    ids = [item["id"] for item in draft["items"]]
    proposed = {(item["kind"], item["slug"]) for item in draft["items"]}
    course = next(
        slug
        for slug in db.session.scalars(sa.select(Course.slug).order_by(Course.slug))
        if ("course", slug) not in proposed
    )
    etag = created.headers["ETag"]
    assert api.get(f"/api/v1/me/sets/{draft['id']}", headers=headers).headers["ETag"] == etag

    edit = {
        "title": "For Café Lin",
        "cover_message": "Dear Ms Lin,\nhere are my picks.",
        "notes": [{"item_id": ids[1], "note": "Start here."}],
        "remove": [ids[0]],
        "order": [*reversed(ids[1:])],
        "add": [{"kind": "course", "slug": course}],
    }
    missing = api.put(f"/api/v1/me/sets/{draft['id']}", json=edit, headers=headers)
    assert problem(missing, 428)["title"] == "PreconditionRequired"
    response = api.put(
        f"/api/v1/me/sets/{draft['id']}", json=edit, headers=headers | {"If-Match": etag}
    )
    assert response.status_code == 200, response.text
    saved = response.get_json()
    assert saved["title"] == "For Café Lin" and saved["cover_message"].startswith("Dear Ms Lin")
    assert [i["id"] for i in saved["items"][:-1]] == [*reversed(ids[1:])]
    assert (saved["items"][-1]["kind"], saved["items"][-1]["slug"]) == ("course", course)
    assert next(i for i in saved["items"] if i["id"] == ids[1])["note"] == "Start here."
    assert [i["position"] for i in saved["items"]] == list(range(len(saved["items"])))
    assert response.headers["ETag"] != etag

    stale = api.put(
        f"/api/v1/me/sets/{draft['id']}",
        json={"title": "Old"},
        headers=headers | {"If-Match": etag},
    )
    assert problem(stale, 412)["title"] == "PreconditionFailed"
    assert db.session.get(RecommendationSet, draft["id"]).title == "For Café Lin"  # type: ignore[union-attr]

    workspace.claim(client_id)
    sent = api.post(f"/api/v1/me/sets/{draft['id']}/send", headers=headers)
    assert sent.status_code == 200 and sent.get_json()["state"] == "sent"
    assert count(OutboxMessage, OutboxMessage.template == "advisory_set_sent") == 1
    again = api.put(
        f"/api/v1/me/sets/{draft['id']}",
        json={"title": "Late"},
        headers=headers | {"If-Match": sent.headers["ETag"]},
    )
    assert problem(again, 409)["detail"] == "the set is sent and frozen"


def test_an_edit_naming_unknown_items_is_refused_whole(
    api: FlaskClient,
    workspace: Workspace,  # noqa: F811
) -> None:
    headers = advisor_headers(workspace)
    _client_id, row = drafted(workspace)
    ids = [item.id for item in row.items]
    etag = api.get(f"/api/v1/me/sets/{row.id}", headers=headers).headers["ETag"]
    response = api.put(
        f"/api/v1/me/sets/{row.id}",
        json={
            "title": "Kept?",
            "remove": [ids[0], 999999],
            "order": ids[:1],
            "add": [{"kind": "tool", "slug": "no-such-tool"}],
        },
        headers=headers | {"If-Match": etag},
    )
    fields = [e["parameter"] for e in problem(response, 422)["errors"]]
    assert fields == ["remove", "order", "add"]
    db.session.refresh(row)
    assert row.title == "" and [item.id for item in row.items] == ids and row.edit_version == 1


def test_follow_up_stage_and_responses_through_the_api(
    api: FlaskClient,
    workspace: Workspace,  # noqa: F811
) -> None:
    headers = advisor_headers(workspace)
    _client_id, row = workspace.sent_set()
    tool = next(item for item in row.items if item.item_kind == "tool")
    url = f"/api/v1/me/sets/{row.id}/items/{tool.id}/stage"
    future = api.post(url, json={"stage": "adopted", "on": "2999-01-01"}, headers=headers)
    assert [e["parameter"] for e in problem(future, 422)["errors"]] == ["on"]
    unknown = api.post(url, json={"stage": "applied"}, headers=headers)  # subsidies only
    assert [e["parameter"] for e in problem(unknown, 422)["errors"]] == ["stage"]
    response = api.post(url, json={"stage": "adopted"}, headers=headers)
    assert response.status_code == 200, response.text
    item = next(i for i in response.get_json()["items"] if i["id"] == tool.id)
    assert item["stage"] == "adopted" and item["next_stages"] == ["reported"]
    assert count(Adoption) == 1
    gone = api.post(f"/api/v1/me/sets/{row.id}/items/{2**40}/stage", json={"stage": "adopted"},
                    headers=headers)  # fmt: skip
    problem(gone, 404)


def test_no_bypass_other_advisor_vendor_token_missing_scope(
    api: FlaskClient,
    workspace: Workspace,  # noqa: F811
    make_user: Any,
) -> None:
    client_id, row = drafted(workspace)
    other: User = make_user("advisor")
    theirs = bearer(token_for(other))
    for method, path in (
        ("get", f"/api/v1/me/clients/{client_id}"),
        ("post", f"/api/v1/me/clients/{client_id}/sets"),
        ("get", f"/api/v1/me/sets/{row.id}"),
        ("post", f"/api/v1/me/sets/{row.id}/send"),
    ):
        problem(getattr(api, method)(path, headers=theirs), 404)
    put = api.put(f"/api/v1/me/sets/{row.id}", json={}, headers=theirs | {"If-Match": "*"})
    problem(put, 404)
    assert api.get("/api/v1/me/clients", headers=theirs).get_json() == {"clients": []}

    vendor = bearer(token_for(make_user("vendor")))
    assert problem(api.get("/api/v1/me/clients", headers=vendor), 403)["title"] == (
        "InsufficientScope"
    )
    reader = advisor_headers(workspace, "clients:read")
    refused = api.post(f"/api/v1/me/sets/{row.id}/send", headers=reader)
    assert "clients:write" in problem(refused, 403)["detail"]
    account_only = advisor_headers(workspace, "account:read")
    problem(api.get(f"/api/v1/me/sets/{row.id}", headers=account_only), 403)
    db.session.refresh(row)
    assert row.state == "draft"


def test_revoked_access_is_a_403_on_writes_and_reads_stop_at_the_cutoff(
    api: FlaskClient,
    workspace: Workspace,  # noqa: F811
) -> None:
    headers = advisor_headers(workspace)
    client_id, row = drafted(workspace)
    workspace.claim(client_id)
    assert workspace.sme_client.post(f"/sets/advisors/{client_id}/revoke").status_code == 303
    etag = api.get(f"/api/v1/me/sets/{row.id}", headers=headers).headers["ETag"]
    for response in (
        api.post(f"/api/v1/me/clients/{client_id}/sets", headers=headers),
        api.put(f"/api/v1/me/sets/{row.id}", json={"title": "x"}, headers=headers | {"If-Match": etag}),
        api.post(f"/api/v1/me/sets/{row.id}/send", headers=headers),
    ):  # fmt: skip
        body = problem(response, 403)
        assert body["title"] == "AccessRevoked" and "revoked" in body["detail"]
    client = api.get(f"/api/v1/me/clients/{client_id}", headers=headers).get_json()
    assert client["revoked_at"] is not None and client["timeline"][0]["kind"] == "revoked"
