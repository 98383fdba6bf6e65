"""Fixtures for reviews: a published tool, its vendor's member, SME companies with profiles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from dx_match.accounts.models import User
from dx_match.catalog.models import Tool
from dx_match.db import utcnow
from dx_match.extensions import db
from dx_match.reviews.adoptions import record_adoption
from dx_match.reviews.models import Adoption
from dx_match.survey.models import ProfileVersion, SmeProfile
from tests.recommend.conftest import CAFE_TAIPEI

SINCE = date(2026, 1, 5)


@pytest.fixture
def tool() -> Tool:
    """A published demo tool."""
    query = sa.select(Tool).where(Tool.status == "published").order_by(Tool.slug).limit(1)
    return db.session.scalars(query).one()


@pytest.fixture
def vendor_user(make_user: Callable[..., User], tool: Tool) -> User:
    """A member of the organisation owning the tool's vendor row."""
    return make_user("vendor", vendor=tool.vendor)


@pytest.fixture
def make_sme(make_user: Callable[..., User]) -> Callable[..., User]:
    """An SME member whose organisation has a profile: make_sme(industry="I56", employees=12)."""

    def make(industry: str = "I56", employees: int = 12, **kw: Any) -> User:
        user = make_user("sme", **kw)
        data = {**CAFE_TAIPEI, "industry": industry, "employees": employees}
        profile = SmeProfile(organisation_id=user.organisation_id, industry_section=industry[0])
        profile.versions.append(ProfileVersion(number=1, data=data))
        db.session.add(profile)
        db.session.commit()
        return user

    return make


@pytest.fixture
def adopt() -> Callable[..., Adoption]:
    """Record an adoption directly: adopt(user, tool, confirmed=True, since=SINCE)."""

    def make(
        user: User,
        tool: Tool,
        *,
        confirmed: bool = True,
        since: date = SINCE,
        source: str = "declared",
    ) -> Adoption:
        assert user.organisation_id is not None
        adoption = record_adoption(user.organisation_id, tool, since, source, user)
        if confirmed:
            adoption.confirmed_at = utcnow()
        db.session.commit()
        return adoption

    return make


@pytest.fixture(autouse=True)
def _request_context(app: Any) -> Any:
    """Services build links for their mail with url_for, as in a request."""
    with app.test_request_context():
        yield
