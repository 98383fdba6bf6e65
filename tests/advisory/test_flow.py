"""The whole path through the pages: client, survey, set from the proposal, send, answers."""

from __future__ import annotations

import sqlalchemy as sa

from dx_match.advisory.models import AdvisorClient, ClientEvent
from dx_match.extensions import db
from tests.advisory.conftest import Workspace


def test_a_client_goes_from_creation_to_a_sent_set(workspace: Workspace, outbox) -> None:  # type: ignore[no-untyped-def]
    client_id = workspace.new_client()
    workspace.fill_survey(client_id)
    client = db.session.get(AdvisorClient, client_id)
    assert client is not None and client.profile_id is not None
    row = workspace.new_set(client_id)
    kinds = {i.item_kind for i in row.items}
    assert "tool" in kinds and row.items[0].snapshot.get("reasons")
    page = workspace.advisor_client.get(f"/advisor/sets/{row.id}")
    assert page.status_code == 200
    assert workspace.advisor_client.post(f"/advisor/sets/{row.id}/send").status_code == 303
    db.session.refresh(row)
    assert row.state == "sent"
    mails = outbox("owner@cafe.example")
    assert [m.template for m in mails] == ["advisory_set_sent"]
    kinds_seen = [
        e.kind
        for e in db.session.scalars(
            sa.select(ClientEvent).where(ClientEvent.client_id == client_id)
        )
    ]
    assert kinds_seen == ["created", "survey_saved", "set_sent"]
