"""Reading published tools from the database as search records."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from dx_match.catalog.models import Plan, Tool
from dx_match.catalog.pricing import PlanPrice
from dx_match.catalog.queries import tool_loads
from dx_match.extensions import db
from dx_match.search.documents import Localized, ToolRecord
from dx_match.taxonomy.models import Term

CHUNK = 1000
_LABEL_SEPARATORS = re.compile(r"[・、/,()（）]")
#: app.extensions key of the ratings provider: tool ids -> {id: (average, count)}. The reviews
#: package (above search) registers it, so search never imports it.
RATINGS_KEY = "dx_tool_ratings"
RatingsProvider = Callable[[Sequence[int]], Mapping[int, tuple[float, int]]]


def record_of(tool: Tool) -> ToolRecord:
    """The search record of a tool."""
    return ToolRecord(
        id=tool.id,
        slug=tool.slug,
        name=tool.name,
        summary=tool.summary,
        description=tool.description,
        vendor=tool.vendor.name,
        functions=tuple(tool.functions),
        industries=tuple(tool.industries),
        regions=tuple(tool.regions),
        languages=tuple(tool.languages),
        deployment=tool.deployment,
        trial_days=tool.trial_days,
        subsidies=tuple(s.slug for s in tool.subsidies),
        integrations=tuple(tool.integrations),
        plans=tuple(_plan(p) for p in tool.plans),
        created_at=tool.created_at,
        verified_at=tool.verified_at,
    )


def _plan(plan: Plan) -> PlanPrice:
    return PlanPrice(plan.model, plan.price, plan.currency, plan.min_users)


def published_records(ids: Sequence[int] | None = None) -> Iterator[ToolRecord]:
    """Published tools as records, in id order, loaded in chunks (all of them, or these ids)."""
    query = sa.select(Tool.id).where(Tool.status == "published").order_by(Tool.id)
    if ids is not None:
        query = query.where(Tool.id.in_(ids))
    all_ids = list(db.session.scalars(query))
    # A private session on the same connection (same transaction): it can be emptied after each
    # chunk to keep memory flat, without detaching the objects of the caller's session.
    with Session(bind=db.session.connection()) as reader:
        for start in range(0, len(all_ids), CHUNK):
            chunk = all_ids[start : start + CHUNK]
            tools = reader.scalars(
                sa.select(Tool).where(Tool.id.in_(chunk)).options(*tool_loads()).order_by(Tool.id)
            )
            ratings = tool_ratings(chunk)
            for tool in tools:
                record = record_of(tool)
                if tool.id in ratings:
                    average, count = ratings[tool.id]
                    record = replace(record, rating=average, rating_count=count)
                yield record
            reader.expunge_all()


def tool_ratings(ids: Sequence[int]) -> Mapping[int, tuple[float, int]]:
    """(average, count) per tool from the registered provider (none when nothing registered)."""
    provider: RatingsProvider | None = (
        current_app.extensions.get(RATINGS_KEY) if has_app_context() else None
    )
    return provider(ids) if provider is not None else {}


def published_ids() -> set[int]:
    """The ids of every published tool."""
    return set(db.session.scalars(sa.select(Tool.id).where(Tool.status == "published")))


def taxonomy_labels() -> dict[tuple[str, str], Localized]:
    """Every taxonomy label by (kind, code)."""
    rows = db.session.execute(sa.select(Term.kind, Term.code, Term.name))
    return {(kind, code): name for kind, code, name in rows}


def label_words(labels: Iterable[Localized]) -> list[str]:
    """Words in taxonomy labels, for the segmenter's dictionary (split at ・, /, 、)."""
    words: list[str] = []
    for label in labels:
        values = [label] if isinstance(label, str) else list((label or {}).values())
        for value in values:
            words.extend(_LABEL_SEPARATORS.sub(" ", value).split())
    return words
