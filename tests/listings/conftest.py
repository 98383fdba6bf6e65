"""Accounts owning demo catalog vendors, and helpers to post the listing forms."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from dx_match.catalog.models import Vendor
from dx_match.extensions import db

VENDOR = "matsukaze-soft"
TOOL = "matsukaze-genka"
PROVIDER = "academy-stepup"


def vendor_row(slug: str) -> Vendor:
    """A demo vendor by slug."""
    return db.session.scalars(sa.select(Vendor).where(Vendor.slug == slug)).one()


@pytest.fixture
def vendor_user(make_user):  # type: ignore[no-untyped-def]
    """A vendor account whose organisation owns the demo vendor matsukaze-soft."""
    return make_user("vendor", vendor=vendor_row(VENDOR))


@pytest.fixture
def trainer_user(make_user):  # type: ignore[no-untyped-def]
    """A trainer account whose organisation owns the demo provider academy-stepup."""
    return make_user("trainer", vendor=vendor_row(PROVIDER))


@pytest.fixture
def admin_user(make_user):  # type: ignore[no-untyped-def]
    """An admin (with TOTP, as admins must have)."""
    return make_user("admin")


def tool_form(slug: str = "quokka-books", **changes: Any) -> dict[str, Any]:
    """A valid new-tool form post; `changes` replace or add fields (None removes one)."""
    data: dict[str, Any] = {
        "base": "new",
        "slug": slug,
        "name_en": "Quokka Books",
        "name_ja": "クオッカ会計",
        "summary_en": "Bookkeeping for small shops",
        "functions": ["finance.accounting"],
        "regions": "TW, JP",
        "languages": "en, ja",
        "deployment": "cloud",
        "platforms": ["web"],
        "plans-0-name": "Basic",
        "plans-0-model": "flat_month",
        "plans-0-price": "990",
        "plans-0-currency": "TWD",
        "plans-1-model": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def course_form(slug: str = "quokka-course", **changes: Any) -> dict[str, Any]:
    """A valid new-course form post."""
    data: dict[str, Any] = {
        "base": "new",
        "slug": slug,
        "title_en": "Bookkeeping in the cloud",
        "skills": ["skill.accounting_software"],
        "level": "beginner",
        "format": "online",
        "hours": "6",
        "price": "1500",
        "currency": "TWD",
        "sessions-0-starts": "2027-01-05",
        "sessions-0-capacity": "20",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
