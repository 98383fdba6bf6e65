"""Writes of the advisor workspace about clients: create, invite, claim, revoke, access.

Every function checks who may act: an advisor reaches only its own clients, an SME only the
clients its organisation claimed; anything else is NotFound, so ids do not leak.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from dx_match import audit
from dx_match.accounts.models import User
from dx_match.accounts.permissions import is_member, require_role
from dx_match.advisory import adoptions, notices, queries
from dx_match.advisory.links import InvitationInvalid, invitation_token, read_invitation
from dx_match.advisory.models import CLIENT_LOCALES, AdvisorClient, ClientEvent
from dx_match.db import utcnow
from dx_match.errors import Conflict, NotFound, ValidationFailed
from dx_match.extensions import db
from dx_match.notify.services import queue_mail
from dx_match.survey import services as survey_services
from dx_match.survey.models import SmeProfile, SurveyDraft

WHAT = "client"


class AccessRevoked(Conflict):
    """The SME revoked the advisor's access: nothing new may be done for it."""


def add_event(client: AdvisorClient, kind: str, actor: User | None, **details: Any) -> None:
    """Add a line to the client's timeline (the caller commits)."""
    client.events.append(
        ClientEvent(kind=kind, actor_id=actor.id if actor else None, details=details)
    )


def own_client(actor: User | None, client_id: int) -> AdvisorClient:
    """The advisor's own client; NotFound for anyone else's."""
    advisor = require_role(actor, "advisor")
    client = queries.client_by_id(client_id)
    if client is None or client.advisor_id != advisor.id:
        raise NotFound(WHAT)
    return client


def active_client(actor: User | None, client_id: int) -> AdvisorClient:
    """The advisor's own client whose access is not revoked (AccessRevoked otherwise)."""
    client = own_client(actor, client_id)
    if client.revoked:
        raise AccessRevoked("the client revoked your access")
    return client


def record_access(
    actor: User, client: AdvisorClient, what: str, object_id: int | None = None
) -> None:
    """Audit an advisor's read of a client's data, in its own short transaction.

    The page's read ends first: on SQLite a GET's transaction is deferred, and one that has
    read cannot take the write lock if another writer committed meanwhile.
    """
    db.session.commit()
    details: dict[str, Any] = {"what": what}
    if object_id is not None:
        details["id"] = object_id
    audit.record(actor, "advisory.access", "advisory_client", client.id, details)
    db.session.commit()


def record_calendar_access(actor: User, clients: list[AdvisorClient], what: str) -> None:
    """Audit an advisor's read of its clients' deadlines (one entry per client shown)."""
    db.session.commit()
    for client in clients:
        audit.record(actor, "advisory.access", "advisory_client", client.id, {"what": what})
    db.session.commit()


def create_client(
    actor: User | None, *, name: str, contact_email: str, locale: str
) -> AdvisorClient:
    """A new client of the advisor (no account needed yet)."""
    advisor = require_role(actor, "advisor")
    problems = []
    name = name.strip()
    if not name:
        problems.append("name")
    if locale not in CLIENT_LOCALES:
        problems.append("locale")
    if problems:
        raise ValidationFailed(problems)
    client = AdvisorClient(
        advisor_id=advisor.id,
        name=name,
        contact_email=contact_email.strip().lower() or None,
        locale=locale,
    )
    db.session.add(client)
    add_event(client, "created", advisor)
    db.session.flush()
    audit.record(advisor, "advisory.client_create", "advisory_client", client.id, {"name": name})
    db.session.commit()
    return client


def invite(actor: User | None, client_id: int) -> AdvisorClient:
    """Mail the client a one-time link to claim it (a new invitation spends the old one)."""
    client = active_client(actor, client_id)
    if client.organisation_id is not None:
        raise Conflict("the client is already claimed")
    if not client.contact_email:
        raise ValidationFailed(["contact_email"])
    client.invite_nonce = secrets.token_hex(16)
    client.invited_at = utcnow()
    _queue_invitation(client, actor)
    add_event(client, "invited", actor, email=client.contact_email)
    audit.record(
        actor, "advisory.invite", "advisory_client", client.id, {"email": client.contact_email}
    )
    db.session.commit()
    return client


def claim_link(client: AdvisorClient) -> str:
    """The client's invitation link (made now if it has none; the caller commits)."""
    if client.invite_nonce is None:
        client.invite_nonce = secrets.token_hex(16)
        client.invited_at = utcnow()
    return url_for(
        "advisory.claim", token=invitation_token(client.id, client.invite_nonce), _external=True
    )


def _queue_invitation(client: AdvisorClient, advisor: User | None) -> None:
    assert client.contact_email
    link = claim_link(client)
    queue_mail(
        client.contact_email,
        "advisory_invite",
        _l("Your advisor invites you to dx_match"),
        client.locale,
        client=client,
        advisor=advisor,
        link=link,
    )


def invitation(token: str) -> AdvisorClient:
    """The unclaimed client a genuine invitation link names."""
    client_id, nonce = read_invitation(token)
    client = queries.client_by_id(client_id)
    if client is None or client.invite_nonce is None or client.invite_nonce != nonce:
        raise InvitationInvalid
    return client


def claim(actor: User | None, token: str) -> AdvisorClient:
    """The SME's organisation claims the client: the advisor's profile becomes its own."""
    user = require_role(actor, "sme")
    if user.organisation_id is None:
        raise Conflict("an SME account without an organisation cannot claim a client")
    client = invitation(token)
    client.organisation_id = user.organisation_id
    client.claimed_at = utcnow()
    client.invite_nonce = None  # the link is spent
    if client.profile_id is not None:
        profile = db.session.get(SmeProfile, client.profile_id)
        if profile is not None and profile.advisor_id == client.advisor_id:
            # The organisation's own from now on; the advisor reads it through the client.
            profile.advisor_id = None
            profile.client_name = None
            profile.organisation_id = user.organisation_id
    adoptions.record_client_adoptions(client, user)
    add_event(client, "claimed", user, organisation=user.organisation_id)
    audit.record(user, "advisory.claim", "advisory_client", client.id)
    notices.claimed(client)
    db.session.commit()
    return client


def sme_client(actor: User | None, client_id: int) -> AdvisorClient:
    """A client row of the SME's organisation; NotFound otherwise."""
    client = queries.client_by_id(client_id)
    if client is None or actor is None or actor.role != "sme":
        raise NotFound(WHAT)
    if not is_member(actor, client.organisation_id):
        raise NotFound(WHAT)
    return client


def revoke(actor: User | None, client_id: int) -> AdvisorClient:
    """The SME ends an advisor's access (the advisor keeps what it saw before, nothing new)."""
    client = sme_client(actor, client_id)
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        add_event(client, "revoked", actor)
        audit.record(actor, "advisory.revoke", "advisory_client", client.id)
        notices.revoked(client)
        db.session.commit()
    return client


def start_survey(actor: User | None, client_id: int) -> SurveyDraft:
    """A survey draft for the client: a new version of its profile, or its first profile."""
    client = active_client(actor, client_id)
    if client.profile_id is not None:
        profile = db.session.get(SmeProfile, client.profile_id)
        if profile is None or profile.advisor_id != client.advisor_id:
            raise Conflict("the client keeps its own profile now")
        draft = survey_services.start_draft(actor, profile_id=profile.id)
    else:
        draft = survey_services.start_draft(actor, client_name=client.name)
    client.draft_key = draft.key
    db.session.commit()
    return draft


def link_saved_profile(profile: SmeProfile, actor: User | None, draft: SurveyDraft) -> None:
    """When an advisor saves a client's survey: link the profile and note it on the timeline.

    Runs inside the survey's own save (a signal), so its commit writes this too.
    """
    if actor is None or actor.role != "advisor":
        return
    client = queries.client_by_draft(actor.id, draft.key)
    if client is None or client.revoked:
        return
    client.profile_id = profile.id
    add_event(client, "survey_saved", actor, version=profile.current_version)
