"""Writes of recommendation sets: start from the proposal, edit, send, respond, follow up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from dx_match import audit
from dx_match.accounts.models import User
from dx_match.accounts.permissions import is_member, require_role
from dx_match.advisory import adoptions, notices, queries, snapshots, stages
from dx_match.advisory.models import RESPONSES, AdvisorClient, RecommendationSet, SetItem
from dx_match.advisory.services import AccessRevoked, active_client, add_event, claim_link
from dx_match.db import utcnow
from dx_match.errors import Conflict, NotFound, ValidationFailed
from dx_match.extensions import db
from dx_match.notify.services import queue_mail
from dx_match.recommend.models import ACTOR_KINDS, ITEM_KINDS, SIGNALS, Feedback
from dx_match.recommend.service import recommend_service
from dx_match.survey.models import ProfileVersion, SmeProfile

WHAT = "recommendation set"
#: The feedback signal an SME's response gives the recommender.
RESPONSE_SIGNALS = {"interested": "accept", "not_relevant": "dismiss"}


class StaleSet(Conflict):
    """The set changed since the form was loaded (another tab, the autosave)."""


class EditRefused(ValidationFailed):
    """A structured edit (the API's) naming items or catalog entries that cannot be used.

    Nothing is saved: `errors` holds (field, detail) pairs, checked before any change.
    """

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__([field for field, _detail in errors])
        self.errors = errors


@dataclass
class SetEdit:
    """One save of the editor: what was typed, and at most one action on the items."""

    version: int
    #: None leaves the title or the cover message as it is.
    title: str | None = ""
    cover_message: str | None = ""
    notes: dict[int, str] = field(default_factory=dict)
    #: ("remove", item id) | ("up"/"down", item id) | ("add", "kind:slug") | None
    action: tuple[str, str] | None = None
    #: Structured changes (the API's), checked all together before anything is saved:
    #: items to drop, the new order of the remaining items, catalog entries to append.
    removals: tuple[int, ...] = ()
    order: tuple[int, ...] | None = None
    additions: tuple[tuple[str, str], ...] = ()


def _profile_data(client: AdvisorClient, number: int | None = None) -> dict[str, Any]:
    profile = db.session.get(SmeProfile, client.profile_id) if client.profile_id else None
    if profile is None or not profile.versions:
        raise Conflict("the client has no saved profile yet")
    versions = [v for v in profile.versions if number is None or v.number == number]
    version: ProfileVersion = (versions or profile.versions)[-1]
    return dict(version.data)


def _proposal(client: AdvisorClient, today: date) -> tuple[int, str, list[Any]]:
    profile = db.session.get(SmeProfile, client.profile_id) if client.profile_id else None
    if profile is None or not profile.versions:
        raise Conflict("the client has no saved profile yet")
    service = recommend_service()
    parsed = service.parse(profile.current.data)
    rec = service.recommend(parsed, today=today, lang=client.locale)
    return profile.current.number, rec.currency, snapshots.proposal(rec)


def new_set(actor: User | None, client_id: int, today: date) -> RecommendationSet:
    """A draft set holding the recommender's proposal for the client's current profile."""
    client = active_client(actor, client_id)
    number, currency, items = _proposal(client, today)
    row = RecommendationSet(
        client=client, profile_version=number, currency=currency, state="draft", edit_version=1
    )
    for position, (kind, slug, snapshot) in enumerate(items):
        row.items.append(
            SetItem(position=position, item_kind=kind, item_slug=slug, snapshot=snapshot)
        )
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "advisory.set_create", "advisory_set", row.id, {"client": client.id})
    db.session.commit()
    return row


def advisor_set(actor: User | None, set_id: int) -> RecommendationSet:
    """A set of one of the advisor's own clients; NotFound otherwise."""
    advisor = require_role(actor, "advisor")
    row = queries.set_by_id(set_id)
    if row is None or row.client.advisor_id != advisor.id:
        raise NotFound(WHAT)
    return row


def _draft(actor: User | None, set_id: int) -> RecommendationSet:
    row = advisor_set(actor, set_id)
    if row.state != "draft":
        raise Conflict("the set is sent and frozen")
    if row.client.revoked:
        raise AccessRevoked("the client revoked your access")
    return row


def save(actor: User | None, set_id: int, edit: SetEdit, today: date) -> RecommendationSet:
    """Save what was typed and apply the action, unless the set changed meanwhile."""
    row = _draft(actor, set_id)
    if edit.version != row.edit_version:
        raise StaleSet("the set was changed elsewhere")
    _check_structured(row, edit)
    if edit.title is not None:
        row.title = edit.title.strip()[:200]
    if edit.cover_message is not None:
        row.cover_message = edit.cover_message
    for item in row.items:
        if item.id in edit.notes:
            item.note = edit.notes[item.id]
    order = list(row.items)
    _apply_structured(row, order, edit, today)
    refused = None
    if edit.action is not None:
        try:
            _apply(row, order, *edit.action, today=today)
        except ValidationFailed as problem:
            refused = problem  # the text is saved all the same
    # Positions from a plain list: swapping members of the ORM collection would orphan them.
    for position, item in enumerate(order):
        item.position = position
    row.edit_version += 1
    db.session.commit()
    if refused is not None:
        raise refused
    return row


def _check_structured(row: RecommendationSet, edit: SetEdit) -> None:
    """Refuse (EditRefused, before any change) unknown items, a bad order, unknown entries."""
    errors: list[tuple[str, str]] = []
    ids = {item.id for item in row.items}
    errors += [("notes", f"item {i} is not in this set") for i in edit.notes if i not in ids]
    errors += [("remove", f"item {i} is not in this set") for i in edit.removals if i not in ids]
    if edit.order is not None:
        kept = ids - set(edit.removals)
        if len(edit.order) != len(set(edit.order)) or set(edit.order) != kept:
            errors.append(("order", "list every remaining item id once"))
    for kind, slug in edit.additions:
        if kind not in ITEM_KINDS or queries.catalog_name(kind, slug) is None:
            errors.append(("add", f"no {kind} {slug!r} in the catalog"))
    if errors:
        raise EditRefused(errors)


def _apply_structured(
    row: RecommendationSet, order: list[SetItem], edit: SetEdit, today: date
) -> None:
    for item_id in edit.removals:
        _apply(row, order, "remove", str(item_id), today=today)
    if edit.order is not None:
        position = {item_id: n for n, item_id in enumerate(edit.order)}
        order.sort(key=lambda item: position[item.id])
    for kind, slug in edit.additions:
        _apply(row, order, "add", f"{kind}:{slug}", today=today)


def _apply(
    row: RecommendationSet, order: list[SetItem], action: str, value: str, *, today: date
) -> None:
    items = order
    if action == "add":
        kind, _sep, slug = value.partition(":")
        if kind not in ITEM_KINDS or not slug:
            raise ValidationFailed(["add"])
        if any((i.item_kind, i.item_slug) == (kind, slug) for i in items):
            return  # already in the set
        name = queries.catalog_name(kind, slug)
        if name is None:
            raise ValidationFailed(["add"])
        snapshot = snapshots.lookup(_proposal(row.client, today)[2], kind, slug)
        item = SetItem(
            position=len(items),
            item_kind=kind,
            item_slug=slug,
            snapshot=snapshot or {"name": name, "currency": row.currency, "reasons": []},
        )
        row.items.append(item)
        items.append(item)
        return
    index = next((n for n, i in enumerate(items) if str(i.id) == value), None)
    if index is None:
        return  # removed in another tab: nothing left to do
    if action == "remove":
        row.items.remove(items.pop(index))
    elif action in ("up", "down"):
        other = index - 1 if action == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]


def _feedback(
    actor_kind: str, actor_id: int, item: SetItem, signal: str, profile: dict[str, Any]
) -> None:
    # The recommender's own Feedback rows, added to this transaction (record_feedback commits).
    assert actor_kind in ACTOR_KINDS and signal in SIGNALS and item.item_kind in ITEM_KINDS
    db.session.add(
        Feedback(
            actor_kind=actor_kind,
            actor_id=str(actor_id),
            item_kind=item.item_kind,
            item_slug=item.item_slug,
            signal=signal,
            profile=profile,
        )
    )


def send(actor: User | None, set_id: int) -> RecommendationSet:
    """Freeze the set and mail the client a link (the advisor's picks go to the recommender)."""
    row = _draft(actor, set_id)
    assert actor is not None
    client = row.client
    if not row.items:
        raise ValidationFailed(["items"])
    if not client.contact_email:
        raise ValidationFailed(["contact_email"])
    row.state = "sent"
    row.sent_at = utcnow()
    profile = _profile_data(client, row.profile_version)
    for item in row.items:
        _feedback("advisor", actor.id, item, "pick", profile)
    # An unclaimed client gets the claim link with the set: it cannot open the set without.
    link_to_claim = claim_link(client) if client.organisation_id is None else None
    queue_mail(
        client.contact_email,
        "advisory_set_sent",
        _l("Recommendations from your advisor"),
        client.locale,
        client=client,
        advisor=actor,
        set=row,
        link=url_for("advisory.sme_set", set_id=row.id, _external=True),
        claim_link=link_to_claim,
    )
    add_event(client, "set_sent", actor, set=row.id, items=len(row.items))
    notices.set_sent(row)
    audit.record(actor, "advisory.set_send", "advisory_set", row.id, {"client": client.id})
    db.session.commit()
    return row


def sme_set(actor: User | None, set_id: int) -> RecommendationSet:
    """A sent set addressed to the SME's organisation; NotFound otherwise."""
    row = queries.set_by_id(set_id)
    if row is None or row.state != "sent" or actor is None or actor.role != "sme":
        raise NotFound(WHAT)
    if not is_member(actor, row.client.organisation_id):
        raise NotFound(WHAT)
    return row


def mark_viewed(actor: User, row: RecommendationSet) -> None:
    """The first opening by the client organisation: note it (its own short transaction)."""
    if row.viewed_at is not None:
        return
    db.session.commit()  # end the GET's read first (see services.record_access)
    row.viewed_at = utcnow()
    add_event(row.client, "set_viewed", actor, set=row.id)
    db.session.commit()


def respond(actor: User | None, set_id: int, item_id: int, response: str, reason: str) -> SetItem:
    """The SME's answer on one item: interested, or not relevant with a reason."""
    row = sme_set(actor, set_id)
    assert actor is not None
    item = next((i for i in row.items if i.id == item_id), None)
    if item is None:
        raise NotFound("item")
    reason = reason.strip()
    if response not in RESPONSES:
        raise ValidationFailed(["response"])
    if response == "not_relevant" and not reason:
        raise ValidationFailed(["reason"])
    item.response = response
    item.response_reason = reason
    item.responded_at = utcnow()
    if response == "interested" and item.stage is None:
        item.stage_dates = {"interested": utcnow().date().isoformat()}
        item.stage = "interested"
    _feedback(
        "sme",
        actor.id,
        item,
        RESPONSE_SIGNALS[response],
        _profile_data(row.client, row.profile_version),
    )
    add_event(
        row.client, "item_response", actor, set=row.id, item=item.item_slug, response=response
    )
    if not row.client.revoked:
        notices.responded(row, item)
    db.session.commit()
    return item


def move_stage(
    actor: User | None, set_id: int, item_id: int, *, target: str, on: date, today: date
) -> SetItem:
    """Move an item of a sent set to a later follow-up stage on a date (adoption feeds the
    recommender)."""
    row = advisor_set(actor, set_id)
    assert actor is not None
    if row.state != "sent":
        raise Conflict("only a sent set is followed up")
    if row.client.revoked:
        raise AccessRevoked("the client revoked your access")
    item = next((i for i in row.items if i.id == item_id), None)
    if item is None:
        raise NotFound("item")
    item.stage_dates = stages.move(
        item.item_kind, item.stage, target, on=on, dates=item.stage_dates, today=today
    )
    item.stage = target
    if target == "adopted":
        _feedback(
            "advisor", actor.id, item, "adopt", _profile_data(row.client, row.profile_version)
        )
        # The advisor saw it happen: recorded and confirmed in one step (a review may follow).
        adoptions.record_item_adoption(row.client, item, actor, actor)
    add_event(
        row.client,
        "stage_changed",
        actor,
        set=row.id,
        item=item.item_slug,
        stage=target,
        on=on.isoformat(),
    )
    audit.record(
        actor,
        "advisory.stage",
        "advisory_set_item",
        item.id,
        {"stage": target, "on": on.isoformat()},
    )
    db.session.commit()
    return item


def plan_contract(actor: User | None, set_id: int, item_id: int, on: date | None) -> SetItem:
    """Record (or clear, with None) the day the client plans to sign for a tool item."""
    row = advisor_set(actor, set_id)
    if row.state != "sent":
        raise Conflict("only a sent set is followed up")
    if row.client.revoked:
        raise AccessRevoked("the client revoked your access")
    item = next((i for i in row.items if i.id == item_id), None)
    if item is None:
        raise NotFound("item")
    if item.item_kind != "tool":
        raise ValidationFailed(["contract_planned_on"])
    item.contract_planned_on = on
    audit.record(
        actor,
        "advisory.contract_planned",
        "advisory_set_item",
        item.id,
        {"on": on.isoformat() if on else None},
    )
    db.session.commit()
    return item
