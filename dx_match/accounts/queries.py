"""Read-side queries for accounts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from dx_match.accounts.models import Organisation, User
from dx_match.extensions import db


def normalize_email(email: str) -> str:
    """The stored form of an address: trimmed and lower-cased."""
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    """The account with this address, if any."""
    return db.session.scalars(sa.select(User).where(User.email == normalize_email(email))).first()


def user_by_id(user_id: int) -> User | None:
    """The account with this id, if any."""
    return db.session.get(User, user_id)


def users_page(search: str = "", limit: int = 200) -> list[User]:
    """Accounts for the admin list, newest first, with their organisation loaded."""
    query = sa.select(User).options(selectinload(User.organisation)).order_by(User.id.desc())
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(sa.or_(User.email.like(pattern), User.display_name.like(pattern)))
    return list(db.session.scalars(query.limit(limit)))


def organisation_with_members(organisation_id: int) -> Organisation | None:
    """An organisation with its members and vendor row loaded."""
    return db.session.scalars(
        sa.select(Organisation)
        .where(Organisation.id == organisation_id)
        .options(selectinload(Organisation.members), selectinload(Organisation.vendor))
    ).first()
