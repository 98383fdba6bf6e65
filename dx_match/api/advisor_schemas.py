"""Schemas of the advisor API (`/api/v1/me/clients`, `/api/v1/me/sets`): bodies in, rows out."""

from __future__ import annotations

import unicodedata

import marshmallow as ma
from marshmallow import fields, validate

from dx_match.advisory.models import CLIENT_LOCALES, RESPONSES, SET_STATES
from dx_match.advisory.stages import STAGES
from dx_match.recommend.models import ITEM_KINDS

#: Line breaks and tabs belong in a cover message; other control characters (NUL) nobody types.
ALLOWED_CONTROLS = {"\n", "\r", "\t"}
MAX_ID = 2**31 - 1


def _printable(value: str) -> None:
    if any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS for ch in value):
        raise ma.ValidationError("Remove the control characters from this field.")


def _text(max_length: int | None = None, **kwargs: object) -> fields.String:
    validators: list[object] = [_printable]
    if max_length is not None:
        validators.append(validate.Length(max=max_length))
    return fields.String(validate=validators, **kwargs)  # type: ignore[arg-type]


def _id(**kwargs: object) -> fields.Integer:
    return fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=MAX_ID),
        **kwargs,  # type: ignore[arg-type]
    )


class NewClientSchema(ma.Schema):
    """A new client: the company, whom to write to, the mail language; invite it at once?"""

    name = _text(200, required=True, metadata={"description": "The company's name."})
    contact_email = fields.Email(
        validate=[validate.Length(max=254), _printable],
        metadata={"description": "Needed to invite the company and to send it sets."},
    )
    locale = fields.String(
        load_default="en",
        validate=validate.OneOf(CLIENT_LOCALES),
        metadata={"enum": list(CLIENT_LOCALES)},
    )
    invite = fields.Boolean(
        load_default=False,
        metadata={"description": "Mail the company a link to claim the client (needs the e-mail)."},
    )


class SetSummarySchema(ma.Schema):
    """A recommendation set in a client's list."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": list(SET_STATES)})
    items = fields.Integer(required=True, metadata={"description": "How many items it holds."})
    sent_at = fields.DateTime(allow_none=True, required=True)
    viewed_at = fields.DateTime(allow_none=True, required=True)


class ClientSummarySchema(ma.Schema):
    """One of your clients."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    contact_email = fields.String(allow_none=True, required=True)
    locale = fields.String(required=True, metadata={"enum": list(CLIENT_LOCALES)})
    invited_at = fields.DateTime(allow_none=True, required=True)
    claimed = fields.Boolean(required=True, metadata={"description": "The company linked it."})
    revoked_at = fields.DateTime(
        allow_none=True,
        required=True,
        metadata={"description": "When the company revoked your access (nothing newer shown)."},
    )
    sets = fields.List(fields.Nested(SetSummarySchema), required=True)


class ClientListSchema(ma.Schema):
    """Your clients, newest first."""

    clients = fields.List(fields.Nested(ClientSummarySchema), required=True)


class ProfileVersionSchema(ma.Schema):
    """A saved version of the client's survey profile."""

    number = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)


class EventSchema(ma.Schema):
    """A line of the client's timeline."""

    kind = fields.String(required=True)
    at = fields.DateTime(required=True)
    details = fields.Dict(required=True)


class ClientSchema(ClientSummarySchema):
    """A client with its profile history and timeline (newest first; ending at a revocation)."""

    profile_versions = fields.List(fields.Nested(ProfileVersionSchema), required=True)
    timeline = fields.List(fields.Nested(EventSchema), required=True)


class SetItemSchema(ma.Schema):
    """A tool, course or subsidy of a set, its note, the company's answer and the follow-up."""

    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": list(ITEM_KINDS)})
    slug = fields.String(required=True)
    name = fields.Raw(
        required=True, metadata={"description": "A string or a map of language to string."}
    )
    snapshot = fields.Dict(
        required=True, metadata={"description": "Name, prices and reasons as when it was added."}
    )
    note = fields.String(required=True)
    response = fields.String(allow_none=True, required=True, metadata={"enum": [*RESPONSES, None]})
    response_reason = fields.String(required=True)
    responded_at = fields.DateTime(allow_none=True, required=True)
    stage = fields.String(allow_none=True, required=True, metadata={"enum": [*STAGES, None]})
    stage_dates = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    next_stages = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Stages it may move to (a sent set's follow-up)."},
    )


class SetSchema(ma.Schema):
    """A recommendation set: a draft you edit with PUT (If-Match), or a sent, frozen one."""

    id = fields.Integer(required=True)
    client_id = fields.Integer(required=True)
    title = fields.String(required=True)
    cover_message = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": list(SET_STATES)})
    profile_version = fields.Integer(allow_none=True, required=True)
    currency = fields.String(required=True)
    sent_at = fields.DateTime(allow_none=True, required=True)
    viewed_at = fields.DateTime(allow_none=True, required=True)
    items = fields.List(fields.Nested(SetItemSchema), required=True)
    etag = fields.String(
        required=True, metadata={"description": "Send it back as If-Match to edit (also ETag)."}
    )


class NoteSchema(ma.Schema):
    """Your note on one item."""

    item_id = _id(required=True)
    note = _text(required=True)


class AdditionSchema(ma.Schema):
    """A catalog entry to append to the set."""

    kind = fields.String(
        required=True, validate=validate.OneOf(ITEM_KINDS), metadata={"enum": list(ITEM_KINDS)}
    )
    slug = fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,79}$"),
        metadata={"pattern": "^[a-z0-9][a-z0-9-]{0,79}$"},
    )


class SetEditSchema(ma.Schema):
    """Changes to a draft set; fields left out stay as they are.

    Applied in this order: notes, `remove`, `order` (every remaining item id, once), then `add`
    (appended; an entry already in the set is skipped). An unknown item id or catalog entry
    refuses the whole edit (422 naming the field), nothing saved.
    """

    title = _text(200)
    cover_message = _text()
    notes = fields.List(fields.Nested(NoteSchema))
    remove = fields.List(_id(), metadata={"description": "Item ids to drop."})
    order = fields.List(_id(), metadata={"description": "The remaining item ids in order."})
    add = fields.List(fields.Nested(AdditionSchema))


class StageMoveSchema(ma.Schema):
    """Move a sent set's item forward to a follow-up stage, on a date (default today)."""

    stage = fields.String(
        required=True, validate=validate.OneOf(STAGES), metadata={"enum": list(STAGES)}
    )
    on = fields.Date(
        metadata={"description": "Not in the future, not before the previous stage's date."}
    )
