"""Read-side queries only the API needs (the pages show vendors one at a time)."""

from __future__ import annotations

import sqlalchemy as sa

from dx_match.catalog.models import Vendor
from dx_match.extensions import db


def vendors() -> list[Vendor]:
    """Every vendor and training provider, by slug."""
    return list(db.session.scalars(sa.select(Vendor).order_by(Vendor.slug)))
