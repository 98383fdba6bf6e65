"""`/api/v1/me/clients`, `/api/v1/me/sets`: an advisor's clients and sets, by bearer token.

Every write is the workspace's own (advisory/services.py, advisory/curation.py), so the
rules, the audit trail, the timeline and the outbox mail are the pages'. Another advisor's
client or set is not found (404), as on the pages; a client that revoked your access
still shows what you saw before, but takes no writes (403 AccessRevoked).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from flask import request

from dx_match.accounts.api_tokens import aware
from dx_match.advisory import curation, queries, services, stages
from dx_match.advisory.models import AdvisorClient, RecommendationSet, SetItem
from dx_match.api.advisor_schemas import (
    MAX_ID,
    ClientListSchema,
    ClientSchema,
    NewClientSchema,
    SetEditSchema,
    SetSchema,
    StageMoveSchema,
)
from dx_match.api.auth import current_token, problem, token_required
from dx_match.api.me import IF_MATCH, PreconditionFailed, PreconditionRequired
from dx_match.api.views import bp
from dx_match.errors import Forbidden, InvalidParameters, NotFound, ValidationFailed

ETAG_HEADER = {
    "ETag": {"description": "The set's version, for If-Match.", "schema": {"type": "string"}}
}
SET_IF_MATCH = IF_MATCH | {
    "description": "The ETag of GET /me/sets/{set_id}: the edit is refused (412) if the set "
    "changed since (another window, the editor's autosave)."
}
#: What the stage rules' refusal codes mean (advisory/stages.py).
STAGE_PROBLEMS = {
    "unknown_stage": "that stage does not exist for this kind of item",
    "not_forward": "an item only moves forward through its stages",
    "future_date": "the date cannot be in the future",
    "before_previous": "the date cannot be before the previous stage's date",
}


class AccessRevoked(Forbidden):
    """The company revoked your access to this client: nothing new may be done for it."""


def today() -> date:
    """Today's date (the pages' seam, so tests move both together)."""
    from dx_match.advisory.views import today as pages_today

    return pages_today()


def _checked_id(value: int, what: str) -> int:
    if value > MAX_ID:  # PostgreSQL's integer: a larger id cannot exist (and would fail)
        raise NotFound(what)
    return value


def _invalid(*pairs: tuple[str, str]) -> InvalidParameters:
    return InvalidParameters(
        [{"parameter": name, "in": "body", "problem": "invalid", "detail": detail}
         for name, detail in pairs]
    )  # fmt: skip


@contextmanager
def _workspace_errors() -> Iterator[None]:
    """The workspace's refusals as the API's problems (revoked access is a 403 here)."""
    try:
        yield
    except services.AccessRevoked as exc:
        raise AccessRevoked(str(exc)) from exc


def _set_summary(row: RecommendationSet) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "state": row.state,
        "items": len(row.items),
        "sent_at": aware(row.sent_at),
        "viewed_at": aware(row.viewed_at),
    }


def _client_summary(client: AdvisorClient) -> dict[str, Any]:
    return {
        "id": client.id,
        "name": client.name,
        "contact_email": client.contact_email,
        "locale": client.locale,
        "invited_at": aware(client.invited_at),
        "claimed": client.organisation_id is not None,
        "revoked_at": aware(client.revoked_at),
        "sets": [_set_summary(row) for row in client.sets],
    }


def _client(client: AdvisorClient) -> dict[str, Any]:
    return _client_summary(client) | {
        "profile_versions": [
            {"number": v.number, "created_at": aware(v.created_at)}
            for v in queries.visible_versions(client)
        ],
        "timeline": [
            {"kind": e.kind, "at": aware(e.at), "details": e.details}
            for e in queries.visible_events(client)
        ],
    }


def _etag(row: RecommendationSet) -> str:
    return f'"set-{row.id}.{row.state}.{row.edit_version}"'


def _item(item: SetItem, sent: bool) -> dict[str, Any]:
    return {
        "id": item.id,
        "position": item.position,
        "kind": item.item_kind,
        "slug": item.item_slug,
        "name": item.snapshot.get("name"),
        "snapshot": item.snapshot,
        "note": item.note,
        "response": item.response,
        "response_reason": item.response_reason,
        "responded_at": aware(item.responded_at),
        "stage": item.stage,
        "stage_dates": item.stage_dates,
        "next_stages": list(stages.next_stages(item.item_kind, item.stage)) if sent else [],
    }


def _set(row: RecommendationSet) -> tuple[dict[str, Any], dict[str, str]]:
    etag = _etag(row)
    body = {
        "id": row.id,
        "client_id": row.client_id,
        "title": row.title,
        "cover_message": row.cover_message,
        "state": row.state,
        "profile_version": row.profile_version,
        "currency": row.currency,
        "sent_at": aware(row.sent_at),
        "viewed_at": aware(row.viewed_at),
        "items": [_item(item, row.state == "sent") for item in row.items],
        "etag": etag,
    }
    return body, {"ETag": etag}


def _fresh_set(set_id: int) -> tuple[dict[str, Any], dict[str, str]]:
    return _set(curation.advisor_set(current_token().user, set_id))


@bp.route("/me/clients", methods=["GET"])
@token_required("clients:read")
@bp.response(200, ClientListSchema)
def my_clients() -> dict[str, Any]:
    """Your advisory clients, newest first, with their sets."""
    advisor = current_token().user
    return {"clients": [_client_summary(c) for c in queries.clients_of(advisor.id)]}


@bp.route("/me/clients", methods=["POST"])
@token_required("clients:write")
@bp.arguments(NewClientSchema, location="json")
@bp.response(201, ClientSchema)
def create_client(body: dict[str, Any]) -> Any:
    """Add a client (no account needed yet); with `invite`, mail it a link to claim it."""
    advisor = current_token().user
    email = body.get("contact_email", "")
    if body["invite"] and not email:
        raise _invalid(("contact_email", "enter the e-mail address to send the invitation to"))
    try:
        client = services.create_client(
            advisor, name=body["name"], contact_email=email, locale=body["locale"]
        )
    except ValidationFailed as exc:
        raise _invalid(*((name, "invalid") for name in exc.problems)) from exc
    if body["invite"]:
        services.invite(advisor, client.id)
    return _client(services.own_client(advisor, client.id)), 201


@bp.route("/me/clients/<int:client_id>", methods=["GET"])
@token_required("clients:read")
@bp.response(200, ClientSchema)
def my_client(client_id: int) -> dict[str, Any]:
    """A client: profile history, sets and timeline (each read is audited, as on the page)."""
    advisor = current_token().user
    client = services.own_client(advisor, _checked_id(client_id, services.WHAT))
    services.record_access(advisor, client, "client")
    return _client(services.own_client(advisor, client_id))


@bp.route("/me/clients/<int:client_id>/sets", methods=["POST"])
@token_required("clients:write")
@bp.response(201, SetSchema, headers=ETAG_HEADER)
@problem(409, "The client has no saved survey profile yet")
def create_set(client_id: int) -> Any:
    """A new draft set holding the recommender's proposal for the client's current profile."""
    advisor = current_token().user
    with _workspace_errors():
        row = curation.new_set(advisor, _checked_id(client_id, services.WHAT), today())
    body, headers = _fresh_set(row.id)
    return body, 201, headers


@bp.route("/me/sets/<int:set_id>", methods=["GET"])
@token_required("clients:read")
@bp.response(200, SetSchema, headers=ETAG_HEADER)
def my_set(set_id: int) -> Any:
    """A set of one of your clients, with its items (and, once sent, the answers and stages)."""
    advisor = current_token().user
    row = curation.advisor_set(advisor, _checked_id(set_id, curation.WHAT))
    services.record_access(advisor, row.client, "set", row.id)
    return _fresh_set(set_id)


@bp.route("/me/sets/<int:set_id>", methods=["PUT"])
@token_required("clients:write")
@bp.arguments(SetEditSchema, location="json")
@bp.doc(parameters=[SET_IF_MATCH])
@bp.response(200, SetSchema, headers=ETAG_HEADER)
@problem(409, "The set is sent and frozen")
@problem(412, "The set changed since the ETag you sent")
@problem(428, "If-Match is missing")
def edit_set(body: dict[str, Any], set_id: int) -> Any:
    """Edit a draft: title, cover message, notes, removals, order and additions."""
    advisor = current_token().user
    with _workspace_errors():
        row = curation.advisor_set(advisor, _checked_id(set_id, curation.WHAT))
        if_match = (request.headers.get("If-Match") or "").strip()
        if not if_match:
            raise PreconditionRequired("send If-Match with the ETag of the set you edited")
        if if_match not in (_etag(row), "*"):
            raise PreconditionFailed("the set changed since you read it: GET it again")
        edit = curation.SetEdit(
            version=row.edit_version,
            title=body.get("title"),
            cover_message=body.get("cover_message"),
            notes={note["item_id"]: note["note"] for note in body.get("notes", [])},
            removals=tuple(body.get("remove", [])),
            order=tuple(body["order"]) if "order" in body else None,
            additions=tuple((a["kind"], a["slug"]) for a in body.get("add", [])),
        )
        try:
            curation.save(advisor, set_id, edit, today())
        except curation.StaleSet as exc:  # changed between our read and the save
            raise PreconditionFailed(str(exc)) from exc
        except curation.EditRefused as exc:
            raise _invalid(*exc.errors) from exc
    return _fresh_set(set_id)


@bp.route("/me/sets/<int:set_id>/send", methods=["POST"])
@token_required("clients:write")
@bp.response(200, SetSchema, headers=ETAG_HEADER)
@problem(409, "The set is already sent")
def send_set(set_id: int) -> Any:
    """Freeze the set and mail it to the client (with the claim link if it is not claimed)."""
    advisor = current_token().user
    with _workspace_errors():
        try:
            curation.send(advisor, _checked_id(set_id, curation.WHAT))
        except ValidationFailed as exc:
            details = {
                "items": "add at least one item before sending",
                "contact_email": "add the client's e-mail address before sending",
            }
            raise _invalid(*((p, details.get(p, "invalid")) for p in exc.problems)) from exc
    return _fresh_set(set_id)


@bp.route("/me/sets/<int:set_id>/items/<int:item_id>/stage", methods=["POST"])
@token_required("clients:write")
@bp.arguments(StageMoveSchema, location="json")
@bp.response(200, SetSchema, headers=ETAG_HEADER)
@problem(409, "Only a sent set is followed up")
def move_stage(body: dict[str, Any], set_id: int, item_id: int) -> Any:
    """Move an item of a sent set forward (adopted records a confirmed adoption)."""
    advisor = current_token().user
    _checked_id(set_id, curation.WHAT)
    _checked_id(item_id, "item")
    with _workspace_errors():
        try:
            curation.move_stage(
                advisor,
                set_id,
                item_id,
                target=body["stage"],
                on=body.get("on") or today(),
                today=today(),
            )
        except stages.StageRefused as refused:
            field = "on" if refused.code in ("future_date", "before_previous") else "stage"
            raise _invalid((field, STAGE_PROBLEMS[refused.code])) from refused
    return _fresh_set(set_id)
