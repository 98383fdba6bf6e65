"""In-app notifications for advisory events (the caller commits with its change).

Each also mails per the recipient's choices (notify.inapp.wants_email), except to the client's
contact address, which already gets the set's own, richer mail.
"""

from __future__ import annotations

import sqlalchemy as sa

from dx_match.accounts.models import User
from dx_match.advisory.models import AdvisorClient, RecommendationSet, SetItem
from dx_match.extensions import db
from dx_match.notify.inapp import notify


def set_sent(row: RecommendationSet) -> None:
    """Tell the members of a claimed client's organisation that a set arrived."""
    organisation_id = row.client.organisation_id
    if organisation_id is None:
        return  # not claimed yet: the mail carries the claim link
    members = db.session.scalars(
        sa.select(User).where(User.organisation_id == organisation_id, User.active.is_(True))
    )
    for member in members:
        notify(
            member.id,
            "advisory_set_sent",
            {"title": row.title or row.client.name},
            f"/sets/{row.id}",
            mail=member.email.casefold() != (row.client.contact_email or "").casefold(),
        )


def responded(row: RecommendationSet, item: SetItem) -> None:
    """Tell the advisor the client answered about an item."""
    notify(
        row.client.advisor_id,
        "advisory_response",
        {"client": row.client.name, "item": item.snapshot.get("name") or item.item_slug},
        f"/advisor/sets/{row.id}#item-{item.id}",
    )


def claimed(client: AdvisorClient) -> None:
    """Tell the advisor the company claimed its invitation."""
    notify(client.advisor_id, "advisory_claimed", {"client": client.name}, _client_link(client))


def revoked(client: AdvisorClient) -> None:
    """Tell the advisor the company ended its access."""
    notify(client.advisor_id, "advisory_revoked", {"client": client.name}, _client_link(client))


def _client_link(client: AdvisorClient) -> str:
    return f"/advisor/clients/{client.id}"
