"""Schemas of `/api/v1/me/...`: a listing in the exchange format in, revisions and rows out.

The request bodies only describe the exchange format's fields (docs/ and
shared spec catalog-format.md): the rules are the importer's own, applied by
listings/services.py, so a bad field is a 422 naming it as an import would.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from dx_match.catalog.models import STATUSES
from dx_match.catalog.validation import COURSE_FIELDS, TOOL_FIELDS
from dx_match.listings.models import LISTING_KINDS, REVISION_STATES

#: Fields the server sets itself: ignored if sent.
SERVER_FIELDS = {"vendor", "provider", "status", "verified_at"}


def _body_schema(name: str, field_names: tuple[str, ...], required: str) -> type[ma.Schema]:
    """An object with the format's fields (any JSON value: the importer judges them)."""
    attrs: dict[str, object] = {
        field: fields.Raw(
            data_key=field,
            metadata={
                "description": f"The exchange format's `{field}`"
                + (" (set by the server to your organisation)." if field in SERVER_FIELDS else ".")
            },
        )
        for field in field_names
    }

    class Meta:
        unknown = ma.INCLUDE

    attrs["Meta"] = Meta
    schema = ma.Schema.from_dict(attrs, name=name)  # type: ignore[arg-type]
    schema.__doc__ = (
        f"A listing row in the exchange format ({required} are required); texts are a string "
        "or a map of language (en, zh-TW, ja) to string. Unknown fields are refused."
    )
    return schema


ToolBodySchema = _body_schema("ToolBody", TOOL_FIELDS, "slug, name, functions and plans")
CourseBodySchema = _body_schema("CourseBody", COURSE_FIELDS, "slug, title and skills")


class RevisionSchema(ma.Schema):
    """A proposed version of a listing: draft, pending (in moderation), approved or rejected."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": list(LISTING_KINDS)})
    slug = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": list(REVISION_STATES)})
    reason = fields.String(
        allow_none=True, metadata={"description": "Why a moderator rejected it."}
    )
    updated_at = fields.DateTime(required=True)


class OwnListingSchema(ma.Schema):
    """One of your listings as you edit it: the open revision's row, or the live row."""

    kind = fields.String(required=True, metadata={"enum": list(LISTING_KINDS)})
    slug = fields.String(required=True)
    row = fields.Dict(required=True, metadata={"description": "The exchange-format row."})
    revision = fields.Nested(
        RevisionSchema,
        allow_none=True,
        required=True,
        metadata={"description": "The open revision (draft, pending or rejected), if any."},
    )
    etag = fields.String(
        required=True, metadata={"description": "Send it back as If-Match to edit (also ETag)."}
    )


class LiveListingSchema(ma.Schema):
    """A live tool or course of yours."""

    kind = fields.String(required=True, metadata={"enum": list(LISTING_KINDS)})
    slug = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(STATUSES)})


class MyListingsSchema(ma.Schema):
    """Your live listings, and your open revisions with their state."""

    listings = fields.List(fields.Nested(LiveListingSchema), required=True)
    revisions = fields.List(fields.Nested(RevisionSchema), required=True)


class TokenInfoSchema(ma.Schema):
    """The token the request was made with."""

    name = fields.String(required=True)
    prefix = fields.String(required=True)
    scopes = fields.List(fields.String(), required=True)
    expires_at = fields.DateTime(allow_none=True, required=True)


class AccountSchema(ma.Schema):
    """Who the token belongs to."""

    email = fields.String(required=True)
    display_name = fields.String(required=True)
    role = fields.String(required=True)
    organisation = fields.String(allow_none=True, required=True)
    token = fields.Nested(TokenInfoSchema, required=True)
