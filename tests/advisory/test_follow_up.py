"""Claiming, the SME's answers, the advisor's stages, feedback for the recommender, revoking."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from dx_match.advisory.models import AdvisorClient, SetItem
from dx_match.advisory.queries import adopted_tools
from dx_match.audit.models import AuditEntry
from dx_match.catalog.models import Tool
from dx_match.extensions import db
from dx_match.recommend.models import Feedback
from dx_match.reviews.adoptions import adoption_of
from dx_match.survey.models import SmeProfile
from tests.advisory.conftest import Workspace, count


def test_claiming_makes_the_profile_the_organisations_and_spends_the_link(
    workspace: Workspace,
    outbox,  # type: ignore[no-untyped-def]
) -> None:
    client_id = workspace.new_client()
    workspace.fill_survey(client_id)
    assert workspace.advisor_client.post(f"/advisor/clients/{client_id}/invite").status_code == 303
    (mail,) = outbox("owner@cafe.example")
    assert mail.template == "advisory_invite" and mail.locale == "zh-TW"
    link = next(w for w in mail.text_body.split() if "/clients/claim/" in w)
    path = link[link.index("/clients/claim/") :]
    assert "Café Lin" in workspace.sme_client.get(path).text
    assert workspace.sme_client.post(path).status_code == 303
    client = db.session.get(AdvisorClient, client_id)
    assert client is not None and client.organisation_id == workspace.sme.organisation_id
    profile = db.session.get(SmeProfile, client.profile_id)
    assert profile is not None
    assert (profile.organisation_id, profile.advisor_id) == (workspace.sme.organisation_id, None)
    # The SME now sees the profile; the link is spent.
    assert workspace.sme_client.get(f"/profiles/{profile.id}").status_code == 200
    assert workspace.sme_client.post(path).status_code == 404
    # The advisor still sees the client's history.
    assert "version 1" in workspace.advisor_client.get(f"/advisor/clients/{client_id}").text


def test_the_sme_answers_and_the_advisor_follows_up(workspace: Workspace) -> None:
    _client_id, row = workspace.sent_set()
    tool_item = next(i for i in row.items if i.item_kind == "tool")
    other = next(i for i in row.items if i.id != tool_item.id)
    followup = f"/advisor/sets/{row.id}"
    assert "Not opened yet" in workspace.advisor_client.get(followup).text
    inbox = workspace.sme_client.get("/sets")
    assert f"/sets/{row.id}" in inbox.text
    assert workspace.sme_client.get(f"/sets/{row.id}").status_code == 200
    db.session.refresh(row)
    assert row.viewed_at is not None
    answer = f"/sets/{row.id}/items/{tool_item.id}/respond"
    assert workspace.sme_client.post(answer, data={"response": "interested"}).status_code == 303
    # Not relevant needs a reason; what was typed stays in the form.
    refuse = f"/sets/{row.id}/items/{other.id}/respond"
    refused = workspace.sme_client.post(refuse, data={"response": "not_relevant", "reason": " "})
    assert refused.status_code == 422 and "Say why" in refused.text
    done = workspace.sme_client.post(
        refuse, data={"response": "not_relevant", "reason": "Too dear"}
    )
    assert done.status_code == 303
    signals = {
        (f.actor_kind, f.item_slug, f.signal)
        for f in db.session.scalars(sa.select(Feedback).where(Feedback.actor_id.in_(
            [str(workspace.sme.id), str(workspace.advisor.id)])))
    }  # fmt: skip
    assert ("sme", tool_item.item_slug, "accept") in signals
    assert ("sme", other.item_slug, "dismiss") in signals
    assert ("advisor", tool_item.item_slug, "pick") in signals
    page = workspace.advisor_client.get(followup).text
    assert "Viewed" in page and "Too dear" in page
    # Interested (by the SME) -> adopted (by the advisor), then the query other code uses.
    stage = f"/advisor/sets/{row.id}/items/{tool_item.id}/stage"
    future = workspace.advisor_client.post(stage, data={"stage": "adopted", "on": "2999-01-01"})
    assert future.status_code == 303
    db.session.refresh(tool_item)
    assert tool_item.stage == "interested"
    today = date.today().isoformat()
    assert (
        workspace.advisor_client.post(stage, data={"stage": "adopted", "on": today}).status_code
        == 303
    )
    db.session.refresh(tool_item)
    assert tool_item.stage == "adopted" and tool_item.stage_dates["adopted"] == today
    assert (
        count(Feedback, Feedback.signal == "adopt", Feedback.item_slug == tool_item.item_slug) == 1
    )
    tool_id = db.session.scalar(sa.select(Tool.id).where(Tool.slug == tool_item.item_slug))
    assert adopted_tools(workspace.sme.organisation_id) == {tool_id}
    assert adopted_tools(workspace.sme.organisation_id + 1000) == set()
    # The advisor's record is a confirmed adoption: the SME may now write a verified review.
    adoption = adoption_of(workspace.sme.organisation_id, tool_id)
    assert adoption is not None and adoption.source == "advisor"
    assert adoption.confirmed_at is not None and adoption.since.isoformat() == today
    assert workspace.sme_client.get(f"/tools/{tool_item.item_slug}/review").status_code == 200


def test_revoking_hides_everything_new_from_the_advisor(workspace: Workspace) -> None:
    client_id, row = workspace.sent_set()
    assert workspace.sme_client.post(f"/sets/advisors/{client_id}/revoke").status_code == 303
    page = workspace.advisor_client.get(f"/advisor/clients/{client_id}")
    assert page.status_code == 200 and "Access revoked" in page.text
    # The SME answers afterwards: the advisor does not see it.
    item = row.items[0]
    workspace.sme_client.post(
        f"/sets/{row.id}/items/{item.id}/respond",
        data={"response": "not_relevant", "reason": "Secret"},
    )
    assert "Secret" not in workspace.advisor_client.get(f"/advisor/sets/{row.id}").text
    # No new set, no survey, no stage changes.
    assert workspace.advisor_client.post(f"/advisor/clients/{client_id}/sets").status_code == 409
    assert workspace.advisor_client.post(f"/advisor/clients/{client_id}/survey").status_code == 409
    stage = f"/advisor/sets/{row.id}/items/{item.id}/stage"
    assert workspace.advisor_client.post(stage, data={"stage": "interested"}).status_code == 409
    assert db.session.get(SetItem, item.id).stage is None  # type: ignore[union-attr]


def test_every_advisor_read_of_a_client_is_audited(workspace: Workspace) -> None:
    client_id = workspace.new_client()
    workspace.fill_survey(client_id)
    row = workspace.new_set(client_id)

    def reads() -> list[str]:
        entries = db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.action == "advisory.access", AuditEntry.target_id == str(client_id)
            )
        )
        return [e.details["what"] for e in entries]

    before = len(reads())
    workspace.advisor_client.get(f"/advisor/clients/{client_id}")
    workspace.advisor_client.get(f"/advisor/sets/{row.id}")
    workspace.advisor_client.get(f"/advisor/sets/{row.id}/preview")
    assert reads()[before:] == ["client", "set", "preview"]
