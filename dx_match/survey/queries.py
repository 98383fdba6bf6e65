"""Read-side queries of the survey: drafts, profiles, same-industry maturity."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from dx_match.extensions import db
from dx_match.survey.models import ProfileVersion, SmeProfile, SurveyDraft


def draft_by_key(key: str | None) -> SurveyDraft | None:
    """The draft a session's key names, if any."""
    if not key:
        return None
    return db.session.scalar(sa.select(SurveyDraft).where(SurveyDraft.key == key))


def profile_by_id(profile_id: int) -> SmeProfile | None:
    """A profile with its versions loaded."""
    return db.session.scalar(
        sa.select(SmeProfile)
        .where(SmeProfile.id == profile_id)
        .options(selectinload(SmeProfile.versions))
    )


def visitor_profile(key: str) -> SmeProfile | None:
    """The unclaimed profile a visitor's key owns."""
    return db.session.scalar(sa.select(SmeProfile).where(SmeProfile.visitor_key == key))


def organisation_profile(organisation_id: int) -> SmeProfile | None:
    """An organisation's own profile (the oldest, if it somehow has several)."""
    return db.session.scalar(
        sa.select(SmeProfile)
        .where(SmeProfile.organisation_id == organisation_id, SmeProfile.advisor_id.is_(None))
        .order_by(SmeProfile.id)
        .limit(1)
    )


def profiles_of(user_id: int, organisation_id: int | None) -> list[SmeProfile]:
    """The profiles a signed-in user keeps: the organisation's and those made as an advisor."""
    condition = SmeProfile.advisor_id == user_id
    if organisation_id is not None:
        condition = condition | (SmeProfile.organisation_id == organisation_id)
    return list(db.session.scalars(sa.select(SmeProfile).where(condition).order_by(SmeProfile.id)))


def peer_maturity(section: str, exclude_id: int) -> list[dict[str, Any]]:
    """The maturity answers of the current versions of other profiles in an ISIC section."""
    rows = db.session.scalars(
        sa.select(ProfileVersion.data)
        .join(SmeProfile, SmeProfile.id == ProfileVersion.profile_id)
        .where(
            SmeProfile.industry_section == section,
            SmeProfile.id != exclude_id,
            ProfileVersion.number == SmeProfile.current_version,
        )
    )
    return [data.get("maturity") or {} for data in rows]


def titles(model: Any, column: Any, slugs: set[str]) -> dict[str, Any]:
    """Translated names of catalog items by slug (subsidies' `name`, courses' `title`)."""
    if not slugs:
        return {}
    rows = db.session.execute(sa.select(model.slug, column).where(model.slug.in_(slugs)))
    return dict(iter(rows))


def survey_terms() -> list[tuple[str, str, str | None, dict[str, str]]]:
    """Taxonomy terms the questionnaire offers: (kind, code, parent, name)."""
    from dx_match.taxonomy.models import Term

    rows = db.session.execute(
        sa.select(Term.kind, Term.code, Term.parent, Term.name)
        .where(Term.kind.in_(("industries", "functions", "challenges", "regions")))
        .order_by(Term.kind, Term.code)
    )
    return [(kind, code, parent, name) for kind, code, parent, name in rows]
