"""Fixtures for inquiries: a published tool and course, and members of their vendors."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from dx_match.catalog.models import Course, Tool
from dx_match.extensions import db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


@pytest.fixture
def tool() -> Tool:
    """A published demo tool."""
    query = sa.select(Tool).where(Tool.status == "published").order_by(Tool.slug).limit(1)
    return db.session.scalars(query).one()


@pytest.fixture
def course() -> Course:
    """A published demo course."""
    query = sa.select(Course).where(Course.status == "published").order_by(Course.slug).limit(1)
    return db.session.scalars(query).one()


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on `path`."""
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def link_in(text: str) -> str:
    """The path of the first dx_match link in a mail body."""
    found = re.search(r"http://localhost(/inbox/\S+)", text)
    assert found, text
    return found.group(1)
