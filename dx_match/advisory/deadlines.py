"""The facts calendar.py needs, read from the database, and the .ics export of its entries.

Only sent sets of the advisor's own clients that have not revoked its access count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import icalendar
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from dx_match.advisory import stages
from dx_match.advisory.calendar import Entry, ItemFacts, Window, contract_warning
from dx_match.advisory.models import AdvisorClient, RecommendationSet, SetItem
from dx_match.catalog.models import Subsidy, Tool
from dx_match.extensions import db
from dx_match.i18n import localized


def _sent_items(clients: list[AdvisorClient]) -> list[tuple[AdvisorClient, SetItem]]:
    if not clients:
        return []
    by_id = {c.id: c for c in clients}
    sets = db.session.scalars(
        sa.select(RecommendationSet)
        .where(RecommendationSet.client_id.in_(by_id), RecommendationSet.state == "sent")
        .options(selectinload(RecommendationSet.items))
        .order_by(RecommendationSet.id)
    )
    return [(by_id[s.client_id], item) for s in sets for item in s.items]


def facts_for(clients: list[AdvisorClient]) -> list[ItemFacts]:
    """ItemFacts for every item of the clients' sent sets (revoked clients give none)."""
    return _facts([c for c in clients if not c.revoked])


def contract_warnings(client: AdvisorClient) -> set[int]:
    """Ids of the client's items whose planned contract comes before a needed grant decision
    (for the SME's own view too, so revoked clients count)."""
    return {f.item_id for f in _facts([client]) if contract_warning(f)}


def _facts(clients: list[AdvisorClient]) -> list[ItemFacts]:
    pairs = _sent_items(clients)
    subsidy_slugs = {i.item_slug for _c, i in pairs if i.item_kind == "subsidy"}
    tool_slugs = {i.item_slug for _c, i in pairs if i.item_kind == "tool"}
    tools = {
        t.slug: t
        for t in db.session.scalars(
            sa.select(Tool).where(Tool.slug.in_(tool_slugs)).options(selectinload(Tool.subsidies))
        )
    }
    subsidies = {
        s.slug: s
        for s in db.session.scalars(sa.select(Subsidy).where(Subsidy.slug.in_(subsidy_slugs)))
    }
    # Per client: the subsidies it pursues and its grant decisions for them.
    pursued: dict[tuple[int, str], date | None] = {}
    for client, item in pairs:
        if item.item_kind == "subsidy" and item.response != "not_relevant":
            key = (client.id, item.item_slug)
            pursued[key] = pursued.get(key) or stages.grant_decided_on(item.stage_dates)

    def window(client_id: int, subsidy: Subsidy) -> Window:
        key = (client_id, subsidy.slug)
        return Window(
            slug=subsidy.slug,
            name=subsidy.name,
            closes=subsidy.closes,
            contract_after_grant=subsidy.contract_after_grant,
            pursued=key in pursued,
            granted_on=pursued.get(key),
        )

    facts = []
    for client, item in pairs:
        windows: tuple[Window, ...] = ()
        if item.item_kind == "subsidy":
            own = subsidies.get(item.item_slug)
            windows = (window(client.id, own),) if own else ()
        elif item.item_kind == "tool" and item.item_slug in tools:
            windows = tuple(window(client.id, s) for s in tools[item.item_slug].subsidies)
        facts.append(
            ItemFacts(
                client_id=client.id,
                client_name=client.name,
                set_id=item.set_id,
                item_id=item.id,
                kind=item.item_kind,
                name=item.snapshot.get("name"),
                stage=item.stage,
                stage_dates=dict(item.stage_dates or {}),
                response=item.response,
                contract_planned_on=item.contract_planned_on,
                windows=windows,
            )
        )
    return facts


def own_active_clients(advisor_id: int) -> list[AdvisorClient]:
    """The advisor's clients that have not revoked its access."""
    return list(
        db.session.scalars(
            sa.select(AdvisorClient).where(
                AdvisorClient.advisor_id == advisor_id, AdvisorClient.revoked_at.is_(None)
            )
        )
    )


def summary(entry: Entry, lang: str) -> str:
    """One line saying what is due (in the current request's language)."""
    name = localized(entry.item.name, lang)
    if entry.kind == "closes" and entry.window is not None:
        return str(_("%(subsidy)s closes", subsidy=localized(entry.window.name, lang)))
    if entry.kind == "outcome":
        return str(
            _("%(item)s: outcome report due (%(months)d months)", item=name, months=entry.milestone)
        )
    if entry.kind == "contract":
        if entry.warning:
            return str(_("%(item)s: contract planned before the grant decision", item=name))
        return str(_("%(item)s: contract planned", item=name))
    return str(_("%(item)s: stage planned", item=name))


def ics(found: Iterable[Entry], lang: str, link_base: str, stamp: datetime) -> bytes:
    """An RFC 5545 calendar with one all-day event per entry."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//dx_match//advisor deadlines//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Client deadlines"))
    for entry in found:
        event = icalendar.Event()
        event.add("uid", f"{entry.uid}@dx-match")
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + timedelta(days=1))
        event.add("summary", f"{entry.item.client_name} — {summary(entry, lang)}")
        what = localized(entry.item.name, lang)
        event.add("description", what)
        event.add("url", f"{link_base}/advisor/sets/{entry.item.set_id}#item-{entry.item.item_id}")
        cal.add_component(event)
    return bytes(cal.to_ical())
