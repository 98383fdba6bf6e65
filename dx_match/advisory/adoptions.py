"""Tools an advisor marked adopted become the client organisation's recorded adoptions.

That is one of the sources a verified review may come from (dx_match.reviews.adoptions). A
client not yet claimed has no organisation: its adoptions are recorded when it is claimed.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from dx_match.accounts.models import User
from dx_match.advisory.models import AdvisorClient, SetItem
from dx_match.catalog.models import Tool
from dx_match.extensions import db
from dx_match.reviews.adoptions import record_adoption

ADOPTED_STAGES = ("adopted", "reported")


def record_item_adoption(
    client: AdvisorClient, item: SetItem, recorded_by: User | None, confirmed_by: User | None
) -> None:
    """Record the client organisation's adoption of an adopted tool item; the caller commits."""
    if client.organisation_id is None or item.item_kind != "tool":
        return
    if item.stage not in ADOPTED_STAGES:
        return
    tool = db.session.scalars(sa.select(Tool).where(Tool.slug == item.item_slug)).one_or_none()
    if tool is None:  # the listing was removed since the set was sent
        return
    since = date.fromisoformat(item.stage_dates["adopted"])
    record_adoption(
        client.organisation_id, tool, since, "advisor", recorded_by, confirmed_by=confirmed_by
    )


def record_client_adoptions(client: AdvisorClient, sme: User) -> None:
    """On claiming: every tool the advisor had already marked adopted, confirmed by the SME."""
    advisor = db.session.get(User, client.advisor_id)
    for row in client.sets:
        for item in row.items:
            record_item_adoption(client, item, advisor, sme)
