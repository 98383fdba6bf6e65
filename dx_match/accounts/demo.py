"""Demo accounts, one per role, for development only (never in production)."""

from __future__ import annotations

import sqlalchemy as sa

from dx_match.accounts.models import User
from dx_match.accounts.services import create_user
from dx_match.catalog.models import Vendor
from dx_match.errors import ConfigError
from dx_match.extensions import db

#: Published in the README and printed by `dx-match demo`: these accounts are for trying it out.
DEMO_PASSWORD = "demo-password"  # published on purpose: development only
#: (e-mail, role, display name, organisation, vendor kind to link or None)
DEMO_USERS = (
    ("sme@demo.dx-match.example", "sme", "Demo SME", "Demo Bakery Co.", None),
    ("vendor@demo.dx-match.example", "vendor", "Demo Vendor", None, "software"),
    ("trainer@demo.dx-match.example", "trainer", "Demo Trainer", None, "training"),
    ("advisor@demo.dx-match.example", "advisor", "Demo Advisor", "Demo Advisory Office", None),
    ("admin@demo.dx-match.example", "admin", "Demo Admin", None, None),
)


def ensure_demo_users(env: str) -> list[tuple[str, str]]:
    """Create the missing demo accounts (idempotent); returns every (e-mail, role)."""
    if env != "development":
        raise ConfigError("demo accounts exist only with DX_ENV=development")
    for email, role, name, organisation, vendor_kind in DEMO_USERS:
        if db.session.scalars(sa.select(User.id).where(User.email == email)).first():
            continue
        vendor = None
        if vendor_kind is not None:
            vendor = _unowned_vendor(vendor_kind)
        create_user(
            email=email,
            password=DEMO_PASSWORD,
            role=role,
            display_name=name,
            organisation_name=organisation or (str(vendor.slug) if vendor else name),
            vendor=vendor,
            confirmed=True,
        )
    db.session.commit()
    return [(email, role) for email, role, *_rest in DEMO_USERS]


def _unowned_vendor(kind: str) -> Vendor | None:
    """The first demo vendor of this kind (or "both") that no organisation owns yet."""
    from dx_match.accounts.models import Organisation

    owned = sa.select(Organisation.vendor_id).where(Organisation.vendor_id.is_not(None))
    return db.session.scalars(
        sa.select(Vendor)
        .where(Vendor.kind.in_((kind, "both")), Vendor.id.not_in(owned))
        .order_by(Vendor.slug)
        .limit(1)
    ).first()
