"""Read-side queries of the advisor workspace, and `adopted_tools` for other packages."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from dx_match.advisory.models import AdvisorClient, ClientEvent, RecommendationSet, SetItem
from dx_match.catalog.models import Course, Subsidy, Tool
from dx_match.extensions import db
from dx_match.i18n import localized
from dx_match.search.service import SearchRequest, search_service
from dx_match.survey.models import ProfileVersion

#: Stages that mean the organisation uses the item.
ADOPTED = ("adopted", "reported")
SEARCH_LIMIT = 8


def clients_of(advisor_id: int) -> list[AdvisorClient]:
    """An advisor's clients, newest first, with their sets."""
    return list(
        db.session.scalars(
            sa.select(AdvisorClient)
            .where(AdvisorClient.advisor_id == advisor_id)
            .options(selectinload(AdvisorClient.sets))
            .order_by(AdvisorClient.id.desc())
        )
    )


def client_by_id(client_id: int) -> AdvisorClient | None:
    """A client with its sets and timeline."""
    return db.session.scalar(
        sa.select(AdvisorClient)
        .where(AdvisorClient.id == client_id)
        .options(selectinload(AdvisorClient.sets), selectinload(AdvisorClient.events))
    )


def client_by_draft(advisor_id: int, draft_key: str) -> AdvisorClient | None:
    """The client an advisor started a survey draft for."""
    return db.session.scalar(
        sa.select(AdvisorClient).where(
            AdvisorClient.advisor_id == advisor_id, AdvisorClient.draft_key == draft_key
        )
    )


def clients_with_profile(profile_id: int) -> list[AdvisorClient]:
    """The clients whose profile this is."""
    return list(
        db.session.scalars(sa.select(AdvisorClient).where(AdvisorClient.profile_id == profile_id))
    )


def set_by_id(set_id: int) -> RecommendationSet | None:
    """A set with its items and client."""
    return db.session.scalar(
        sa.select(RecommendationSet)
        .where(RecommendationSet.id == set_id)
        .options(selectinload(RecommendationSet.items), selectinload(RecommendationSet.client))
    )


def sets_for_organisation(organisation_id: int) -> list[RecommendationSet]:
    """The sent sets addressed to an organisation's claimed clients, newest first."""
    return list(
        db.session.scalars(
            sa.select(RecommendationSet)
            .join(AdvisorClient, AdvisorClient.id == RecommendationSet.client_id)
            .where(
                AdvisorClient.organisation_id == organisation_id,
                RecommendationSet.state == "sent",
            )
            .options(selectinload(RecommendationSet.items))
            .order_by(RecommendationSet.sent_at.desc(), RecommendationSet.id.desc())
        )
    )


def advisors_of(organisation_id: int) -> list[AdvisorClient]:
    """The client rows linking advisors to an organisation (the SME's "who has access")."""
    return list(
        db.session.scalars(
            sa.select(AdvisorClient)
            .where(AdvisorClient.organisation_id == organisation_id)
            .order_by(AdvisorClient.id)
        )
    )


def visible_versions(client: AdvisorClient) -> list[ProfileVersion]:
    """The client's profile versions the advisor may see (none saved after a revocation)."""
    if client.profile_id is None:
        return []
    query = sa.select(ProfileVersion).where(ProfileVersion.profile_id == client.profile_id)
    if client.revoked_at is not None:
        query = query.where(ProfileVersion.created_at <= client.revoked_at)
    return list(db.session.scalars(query.order_by(ProfileVersion.number.desc())))


def visible_events(client: AdvisorClient) -> list[ClientEvent]:
    """The client's timeline, newest first (ending at a revocation)."""
    events = [
        e
        for e in client.events
        if client.revoked_at is None or e.at <= client.revoked_at or e.kind == "revoked"
    ]
    return sorted(events, key=lambda e: (e.at, e.id), reverse=True)


def adopted_tools(organisation_id: int) -> set[int]:
    """Ids of the tools an organisation adopted, as recorded through an advisor's set."""
    rows = db.session.scalars(
        sa.select(Tool.id)
        .join(SetItem, sa.and_(SetItem.item_slug == Tool.slug, SetItem.item_kind == "tool"))
        .join(RecommendationSet, RecommendationSet.id == SetItem.set_id)
        .join(AdvisorClient, AdvisorClient.id == RecommendationSet.client_id)
        .where(AdvisorClient.organisation_id == organisation_id, SetItem.stage.in_(ADOPTED))
    )
    return set(rows)


def search_items(text: str, lang: str) -> list[tuple[str, str, Any]]:
    """Tools (through the search service), courses and subsidies matching `text`:
    (kind, slug, name)."""
    text = text.strip()
    if not text:
        return []
    found: list[tuple[str, str, Any]] = []
    response = search_service().search(
        SearchRequest(q=text, per_page=SEARCH_LIMIT, lang=lang, facets=False)
    )
    if response.ids:
        tools = {
            t.id: t for t in db.session.scalars(sa.select(Tool).where(Tool.id.in_(response.ids)))
        }
        found += [("tool", tools[i].slug, tools[i].name) for i in response.ids if i in tools]
    needle = text.casefold()
    # Courses and subsidies are few: matched on their names in every language.
    for kind, model, column in (
        ("course", Course, Course.title),
        ("subsidy", Subsidy, Subsidy.name),
    ):
        query = sa.select(model.slug, column).order_by(model.slug)
        if hasattr(model, "status"):
            query = query.where(model.status == "published")
        for slug, name in db.session.execute(query):
            texts = name.values() if isinstance(name, dict) else [name or ""]
            if needle in slug.casefold() or any(needle in str(t).casefold() for t in texts):
                found.append((kind, slug, name))
                if sum(1 for k, _s, _n in found if k == kind) >= SEARCH_LIMIT:
                    break
    return found


def catalog_name(kind: str, slug: str) -> Any:
    """The translated name of a catalog item, or None when it does not exist."""
    query: sa.Select[Any]
    if kind == "tool":
        query = sa.select(Tool.name).where(Tool.slug == slug)
    elif kind == "course":
        query = sa.select(Course.title).where(Course.slug == slug)
    else:
        query = sa.select(Subsidy.name).where(Subsidy.slug == slug)
    return db.session.scalar(query)


def display_name(snapshot: dict[str, Any], lang: str) -> str:
    """An item's name from its snapshot in `lang`."""
    return localized(snapshot.get("name"), lang)
