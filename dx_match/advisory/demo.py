"""The demo catalog's contract rules: kept in our database, not in the exchange files."""

from __future__ import annotations

import sqlalchemy as sa

from dx_match.catalog.models import Subsidy
from dx_match.extensions import db

#: Demo programmes that pay only for contracts and payments after the grant decision (交付決定).
CONTRACT_AFTER_GRANT = ("jp-it-intro", "jp-monozukuri", "jp-jizokuka")


def seed_contract_rules() -> int:
    """Turn the rule on for the demo programmes that have it; how many rows changed."""
    rows = db.session.scalars(
        sa.select(Subsidy).where(
            Subsidy.slug.in_(CONTRACT_AFTER_GRANT), Subsidy.contract_after_grant.is_(False)
        )
    ).all()
    for row in rows:
        row.contract_after_grant = True
    db.session.commit()
    return len(rows)
