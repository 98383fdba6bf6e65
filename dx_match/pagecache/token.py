"""Keeping the catalog token in step: any catalog or taxonomy flush writes a new one.

The pages cached in `cache.py` are keyed by this token and the search generation, both read
from the database on every request, so every process (and every machine sharing Redis) stops
serving a page as soon as the change that made it stale is committed.
"""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

from dx_match.catalog import models as catalog
from dx_match.pagecache.models import CatalogState
from dx_match.reviews import models as reviews
from dx_match.search.models import SearchState
from dx_match.taxonomy.models import Term
from dx_match.trust import models as trust

#: Everything a public catalog page shows comes from rows of these models.
CATALOG_MODELS: tuple[type[Any], ...] = (
    catalog.Vendor,
    catalog.Tool,
    catalog.ToolFunction,
    catalog.ToolIndustry,
    catalog.ToolRegion,
    catalog.ToolLanguage,
    catalog.Plan,
    catalog.Subsidy,
    catalog.Course,
    catalog.CourseSession,
    Term,
    # A tool page also shows its ratings and reviews, adopters' outcomes, a caution box while a
    # fraud-risk signal is undecided, and the price history.
    reviews.Adoption,
    reviews.Review,
    reviews.OutcomeReport,
    trust.TrustSignal,
    trust.PriceChange,
)


def new_token() -> str:
    """A value no earlier catalog state had."""
    return secrets.token_hex(16)


def _bump_statement(dialect: str) -> sa.Executable:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(CatalogState).values(id=1, token=new_token())
    return statement.on_conflict_do_update(
        index_elements=["id"], set_={"token": statement.excluded.token}
    )


def _touches_catalog(session: Session) -> bool:
    # Many-to-many changes (a tool's subsidies, a course's tools) make the owner dirty.
    return any(
        isinstance(obj, CATALOG_MODELS) for obj in (*session.new, *session.dirty, *session.deleted)
    )


@sa.event.listens_for(Session, "after_flush")
def _replace_token(session: Session, _context: Any) -> None:
    """Write a new token in the flush's transaction when it changed catalog rows."""
    if _touches_catalog(session):
        connection = session.connection()
        connection.execute(_bump_statement(connection.dialect.name))


def catalog_state(session: Session | scoped_session[Any]) -> tuple[str | None, int]:
    """(catalog token, search generation), in one round trip; token None before any catalog."""
    token = sa.select(CatalogState.token).where(CatalogState.id == 1).scalar_subquery()
    generation = sa.select(SearchState.generation).where(SearchState.id == 1).scalar_subquery()
    row = session.execute(sa.select(token, generation)).one()
    return row[0], row[1] or 0
