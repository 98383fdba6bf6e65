"""The set editor: notes, reorder, remove, add by search, autosave, stale edits, preview, send."""

from __future__ import annotations

from dx_match.advisory.forms import parse_edit
from dx_match.extensions import db
from tests.advisory.conftest import Workspace


def test_parse_edit_reads_notes_and_one_action() -> None:
    edit = parse_edit({"version": "3", "note-7": "Try it", "note-x": "?", "up": "7", "title": "T"})
    assert (edit.version, edit.notes, edit.action, edit.title) == (
        3,
        {7: "Try it"},
        ("up", "7"),
        "T",
    )
    assert parse_edit({"version": "nope"}).version == -1


def test_edit_reorder_remove_and_add(workspace: Workspace) -> None:
    client_id = workspace.new_client()
    workspace.fill_survey(client_id)
    row = workspace.new_set(client_id)
    url = f"/advisor/sets/{row.id}"
    first, second = row.items[0], row.items[1]
    data = {
        "version": str(row.edit_version),
        "cover_message": "Dear Lin",
        f"note-{first.id}": "Start here",
    }
    assert (
        workspace.advisor_client.post(url, data={**data, "down": str(first.id)}).status_code == 303
    )
    db.session.refresh(row)
    assert [i.id for i in row.items[:2]] == [second.id, first.id]
    assert row.cover_message == "Dear Lin" and first.note == "Start here"
    count = len(row.items)
    data["version"] = str(row.edit_version)
    assert (
        workspace.advisor_client.post(url, data={**data, "remove": str(second.id)}).status_code
        == 303
    )
    db.session.refresh(row)
    assert len(row.items) == count - 1 and second.id not in [i.id for i in row.items]
    # Search inside the editor, then add what it found.
    data["version"] = str(row.edit_version)
    searched = workspace.advisor_client.post(url, data={**data, "q": "invoice", "search": "1"})
    assert searched.status_code == 303 and "q=invoice" in searched.location
    page = workspace.advisor_client.get(searched.location)
    assert 'name="add" value="' in page.text
    value = page.text.split('name="add" value="', 1)[1].split('"', 1)[0]
    db.session.refresh(row)
    data["version"] = str(row.edit_version)
    assert workspace.advisor_client.post(url, data={**data, "add": value}).status_code == 303
    db.session.refresh(row)
    assert f"{row.items[-1].item_kind}:{row.items[-1].item_slug}" == value


def test_a_stale_save_is_refused_and_keeps_what_was_typed(workspace: Workspace) -> None:
    client_id = workspace.new_client()
    workspace.fill_survey(client_id)
    row = workspace.new_set(client_id)
    url = f"/advisor/sets/{row.id}"
    autosaved = workspace.advisor_client.post(
        url, data={"version": "1", "cover_message": "First tab"}, headers={"X-Autosave": "1"}
    )
    assert autosaved.status_code == 200 and autosaved.json == {"version": 2}
    stale = workspace.advisor_client.post(url, data={"version": "1", "cover_message": "Second tab"})
    assert stale.status_code == 409 and "Second tab" in stale.text
    db.session.refresh(row)
    assert row.cover_message == "First tab"
    again = workspace.advisor_client.post(
        url, data={"version": "1", "cover_message": "x"}, headers={"X-Autosave": "1"}
    )
    assert again.status_code == 409 and again.json == {"error": "stale"}


def test_preview_shows_the_smes_view_and_send_freezes(workspace: Workspace, outbox) -> None:  # type: ignore[no-untyped-def]
    client_id = workspace.new_client()
    workspace.fill_survey(client_id)
    row = workspace.new_set(client_id)
    url = f"/advisor/sets/{row.id}"
    workspace.advisor_client.post(url, data={"version": "1", "title": "Our plan"})
    preview = workspace.advisor_client.get(f"{url}/preview")
    assert preview.status_code == 200 and "Our plan" in preview.text and "Preview" in preview.text
    assert workspace.advisor_client.post(f"{url}/send").status_code == 303
    (mail,) = outbox("owner@cafe.example")
    assert "/clients/claim/" in mail.text_body  # not claimed yet: the claim link comes along
    refused = workspace.advisor_client.post(url, data={"version": "2", "title": "Changed"})
    assert refused.status_code == 409
    db.session.refresh(row)
    assert (row.state, row.title) == ("sent", "Our plan")


def test_a_new_client_without_a_name_keeps_what_was_typed(workspace: Workspace) -> None:
    response = workspace.advisor_client.post(
        "/advisor/clients", data={"name": "", "contact_email": "typed@example.com", "locale": "ja"}
    )
    assert response.status_code == 422 and "typed@example.com" in response.text
    invite = workspace.advisor_client.post(
        "/advisor/clients", data={"name": "Kept", "locale": "ja", "invite": "1"}
    )
    assert invite.status_code == 422 and "Kept" in invite.text
