"""Writes of the survey: drafts, saving answers as a versioned profile, claiming, feedback."""

from __future__ import annotations

import secrets
from typing import Any

from blinker import Namespace
from flask import current_app

from dx_match.accounts.models import User
from dx_match.accounts.permissions import is_member
from dx_match.errors import NotFound
from dx_match.extensions import db
from dx_match.recommend.profile import Profile
from dx_match.recommend.service import recommend_service
from dx_match.recommend.services import record_feedback
from dx_match.survey import queries
from dx_match.survey.answers import Answers, answers_from_profile
from dx_match.survey.models import ProfileVersion, SmeProfile, SurveyDraft

WHAT = "profile"

#: Sent inside `finish` before its commit (profile=row as sender, actor=, draft=), so a
#: listener's writes (the advisor workspace links a client's profile) share that commit.
profile_saved = Namespace().signal("profile-saved")


def new_key() -> str:
    """A random draft key for the signed session cookie."""
    return secrets.token_urlsafe(32)


def start_draft(
    actor: User | None, *, profile_id: int | None = None, client_name: str | None = None
) -> SurveyDraft:
    """A fresh draft: empty, or the current answers of a profile the actor may edit."""
    answers: Answers = {}
    if profile_id is not None:
        profile = viewable_profile(actor, profile_id, None)
        answers = answers_from_profile(profile.current.data)
    draft = SurveyDraft(
        key=new_key(),
        answers=answers,
        profile_id=profile_id,
        client_name=(client_name or "").strip() or None
        if actor and actor.role == "advisor"
        else None,
    )
    db.session.add(draft)
    db.session.commit()
    return draft


def save_answers(draft: SurveyDraft, answers: Answers) -> None:
    """Keep a step's answers as typed (valid or not: nothing typed is lost)."""
    draft.answers = {**draft.answers, **answers}
    db.session.commit()


def can_view(actor: User | None, profile: SmeProfile, visitor_key: str | None) -> bool:
    """Members of the owning organisation, its advisor, admins, or the visitor holding its key."""
    if profile.visitor_key is not None and visitor_key == profile.visitor_key:
        return True
    if actor is None:
        return False
    if profile.advisor_id is not None:
        return actor.id == profile.advisor_id or actor.role == "admin"
    return is_member(actor, profile.organisation_id)


def viewable_profile(actor: User | None, profile_id: int, visitor_key: str | None) -> SmeProfile:
    """The profile if the actor may see it; NotFound otherwise (its existence does not leak)."""
    profile = queries.profile_by_id(profile_id)
    if profile is None or not can_view(actor, profile, visitor_key):
        raise NotFound(WHAT)
    return profile


def _add_version(profile: SmeProfile, data: dict[str, Any], author: User | None) -> None:
    number = (profile.versions[-1].number + 1) if profile.versions else 1
    profile.versions.append(
        ProfileVersion(number=number, data=data, author_id=author.id if author else None)
    )
    profile.current_version = number
    profile.industry_section = str(data["industry"])[0]


def _owner_profile(actor: User | None, draft: SurveyDraft) -> SmeProfile | None:
    """The existing profile these answers become a new version of, if any."""
    if draft.profile_id is not None:
        return viewable_profile(actor, draft.profile_id, draft.key)
    if actor is not None and actor.role == "sme" and actor.organisation_id is not None:
        return queries.organisation_profile(actor.organisation_id)
    return None


def finish(actor: User | None, draft: SurveyDraft, profile: Profile) -> SmeProfile:
    """Save a validated profile: a new version of the draft's profile, or a new profile.

    SMEs save under their organisation, advisors for their client; anyone else (visitors,
    and roles without a company of their own) keeps a visitor profile under the draft's key.
    """
    data = profile.to_dict()
    row = _owner_profile(actor, draft)
    if row is None:
        row = SmeProfile(industry_section=profile.industry[0])
        if actor is not None and actor.role == "advisor":
            row.advisor_id = actor.id
            row.client_name = draft.client_name
        elif actor is not None and actor.role == "sme" and actor.organisation_id is not None:
            row.organisation_id = actor.organisation_id
        else:
            row.visitor_key = draft.key
        db.session.add(row)
    _add_version(row, data, actor)
    db.session.flush()
    draft.profile_id = row.id
    profile_saved.send(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        profile=row,
        actor=actor,
        draft=draft,
    )
    db.session.commit()
    return row


def claim_visitor_profile(user: User, key: str) -> SmeProfile | None:
    """Make a visitor's profile the SME's organisation's (a new version if it has one)."""
    if user.role != "sme" or user.organisation_id is None:
        return None
    visitor = queries.visitor_profile(key)
    if visitor is None:
        return None
    target = queries.organisation_profile(user.organisation_id)
    if target is None:
        visitor.visitor_key = None
        visitor.organisation_id = user.organisation_id
        for version in visitor.versions:
            version.author_id = version.author_id or user.id
        target = visitor
    else:
        _add_version(target, visitor.current.data, user)
        db.session.delete(visitor)
    db.session.flush()
    draft = queries.draft_by_key(key)
    if draft is not None:
        draft.profile_id = target.id
    db.session.commit()
    return target


def give_feedback(
    actor: User, profile_id: int, *, item_kind: str, item_slug: str, signal: str
) -> None:
    """Record an Accept / Not relevant on a recommended item of a profile the actor keeps."""
    profile = viewable_profile(actor, profile_id, None)
    parsed = recommend_service().parse(profile.current.data)
    record_feedback(
        actor_kind="advisor" if actor.role == "advisor" else "sme",
        actor_id=str(actor.id),
        item_kind=item_kind,
        item_slug=item_slug,
        signal=signal,
        profile=parsed,
    )
