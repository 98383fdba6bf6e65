"""`/api/v1/me/...`: a token holder's own account and listings, written through listings/services.

Every write is the dashboard's: services.save keeps a draft revision (the importer's
validation), services.submit sends it to moderation; nothing here writes a live row.
Someone else's listing or revision is not found (404), as on the pages.
"""

from __future__ import annotations

from typing import Any

from flask import request

from dx_match.accounts.api_tokens import aware
from dx_match.api.auth import current_token, problem, token_required
from dx_match.api.me_schemas import (
    AccountSchema,
    CourseBodySchema,
    MyListingsSchema,
    OwnListingSchema,
    RevisionSchema,
    ToolBodySchema,
)
from dx_match.api.views import bp
from dx_match.errors import DxError, InvalidParameters, NotFound
from dx_match.listings import queries, services
from dx_match.listings.models import NEW_BASE, ListingRevision

ETAG_HEADER = {
    "ETag": {"description": "The listing's version, for If-Match.", "schema": {"type": "string"}}
}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": "The ETag of GET /me/{tools|courses}/{slug}: the edit is refused (412) "
    "if the listing or its draft changed since.",
}


#: The largest id an integer primary key holds.
MAX_ID = 2**31 - 1


class PreconditionFailed(DxError):
    """If-Match names a version of the listing that is no longer current."""

    status = 412


class PreconditionRequired(DxError):
    """An edit sent without If-Match."""

    status = 428


def _etag(base: str, revision: ListingRevision | None) -> str:
    """Live row fingerprint plus the draft's id and version: any change gives a new ETag."""
    if revision is None:
        return f'"{base}"'
    return f'"{base}.{revision.id}.{revision.version}"'


def _revision(revision: ListingRevision) -> dict[str, Any]:
    return {
        "id": revision.id,
        "kind": revision.kind,
        "slug": revision.slug,
        "state": revision.state,
        "reason": revision.reason,
        "updated_at": aware(revision.updated_at),
    }


def _own(kind: str, slug: str) -> tuple[dict[str, Any], dict[str, str]]:
    row, base, revision = services.own_listing(current_token().user, kind, slug)
    etag = _etag(base, revision)
    body = {
        "kind": kind,
        "slug": slug,
        "row": row,
        "revision": _revision(revision) if revision is not None else None,
        "etag": etag,
    }
    return body, {"ETag": etag}


def _invalid(exc: services.ListingInvalid) -> InvalidParameters:
    """The importer's (field, message) pairs as the API's 422 entries."""
    return InvalidParameters(
        [
            {"parameter": field, "in": "body", "problem": "invalid", "detail": str(message)}
            for field, message in exc.problems
        ]
    )


def _body() -> dict[str, Any]:
    # The raw body, not the schema's load: the importer reads the format itself.
    raw = request.get_json(silent=True)
    if not isinstance(raw, dict):
        raise InvalidParameters(
            [{"parameter": "body", "in": "body", "problem": "invalid", "detail": "not an object"}]
        )
    return raw


def _create(kind: str) -> tuple[dict[str, Any], int, dict[str, str]]:
    user = current_token().user
    try:
        revision = services.save(user, kind, _body(), base=NEW_BASE)
    except services.ListingInvalid as exc:
        raise _invalid(exc) from exc
    body, headers = _own(kind, revision.slug)
    return body, 201, headers


def _edit(kind: str, slug: str) -> tuple[dict[str, Any], dict[str, str]]:
    user = current_token().user
    if_match = request.headers.get("If-Match")
    _row, base, revision = services.own_listing(user, kind, slug)
    if not if_match:
        raise PreconditionRequired("send If-Match with the ETag of the listing you edited")
    if if_match.strip() not in (_etag(base, revision), "*"):
        raise PreconditionFailed("the listing changed since you read it: GET it again")
    raw = _body()
    if raw.get("slug", slug) != slug:
        raise InvalidParameters(
            [{"parameter": "slug", "in": "body", "problem": "invalid",
              "detail": "The slug of a listing cannot be changed."}]
        )  # fmt: skip
    try:
        services.save(
            user,
            kind,
            raw | {"slug": slug},
            base=base,
            revision_id=revision.id if revision is not None else None,
            revision_version=revision.version if revision is not None else None,
        )
    except services.StaleEdit as exc:  # changed between our read and the save
        raise PreconditionFailed(str(exc)) from exc
    except services.ListingInvalid as exc:
        raise _invalid(exc) from exc
    return _own(kind, slug)


@bp.route("/me", methods=["GET"])
@token_required("account:read")
@bp.response(200, AccountSchema)
def me() -> dict[str, Any]:
    """The account and token this request is made with (a first call to check a token)."""
    token = current_token()
    user = token.user
    return {
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role,
        "organisation": user.organisation.name if user.organisation else None,
        "token": {
            "name": token.name,
            "prefix": token.prefix,
            "scopes": token.scopes,
            "expires_at": aware(token.expires_at),
        },
    }


@bp.route("/me/listings", methods=["GET"])
@token_required("listings:read")
@bp.response(200, MyListingsSchema)
def my_listings() -> dict[str, Any]:
    """Your live tools (vendors) or courses (trainers), and your open revisions with state."""
    user = current_token().user
    kind = services.KIND_FOR_ROLE[user.role]
    vendor = services.current_vendor(user, kind)
    if vendor is None:
        return {"listings": [], "revisions": []}
    return {
        "listings": [
            {"kind": kind, "slug": obj.slug, "status": obj.status}
            for obj in queries.vendor_listings(kind, vendor.id)
        ],
        "revisions": [
            _revision(revision)
            for revision in queries.vendor_revisions(vendor.id)
            if revision.state in services.OPEN_STATES
        ],
    }


@bp.route("/me/tools", methods=["POST"])
@token_required("listings:write")
@bp.arguments(ToolBodySchema, location="json")
@bp.response(201, OwnListingSchema, headers=ETAG_HEADER)
@problem(409, "You already have this listing: edit it with PUT")
def create_tool(_body_args: dict[str, Any]) -> Any:
    """A new tool, kept as your draft (submit it for review with /me/revisions/{id}/submit).

    422 names every field the importer refuses (`errors[].parameter`).
    """
    return _create("tool")


@bp.route("/me/courses", methods=["POST"])
@token_required("listings:write")
@bp.arguments(CourseBodySchema, location="json")
@bp.response(201, OwnListingSchema, headers=ETAG_HEADER)
@problem(409, "You already have this listing: edit it with PUT")
def create_course(_body_args: dict[str, Any]) -> Any:
    """A new course, kept as your draft; 422 names every field the importer refuses."""
    return _create("course")


@bp.route("/me/tools/<slug>", methods=["GET"])
@token_required("listings:read")
@bp.response(200, OwnListingSchema, headers=ETAG_HEADER)
def own_tool(slug: str) -> Any:
    """One of your tools as you would edit it (the open revision, else the live row)."""
    return _own("tool", slug)


@bp.route("/me/courses/<slug>", methods=["GET"])
@token_required("listings:read")
@bp.response(200, OwnListingSchema, headers=ETAG_HEADER)
def own_course(slug: str) -> Any:
    """One of your courses as you would edit it (the open revision, else the live row)."""
    return _own("course", slug)


@bp.route("/me/tools/<slug>", methods=["PUT"])
@token_required("listings:write")
@bp.arguments(ToolBodySchema, location="json")
@bp.doc(parameters=[IF_MATCH])
@bp.response(200, OwnListingSchema, headers=ETAG_HEADER)
@problem(412, "The listing changed since the ETag you sent")
@problem(428, "If-Match is missing")
def edit_tool(_body_args: dict[str, Any], slug: str) -> Any:
    """Replace your tool's draft (a new draft revision of a live tool; the live row stays)."""
    return _edit("tool", slug)


@bp.route("/me/courses/<slug>", methods=["PUT"])
@token_required("listings:write")
@bp.arguments(CourseBodySchema, location="json")
@bp.doc(parameters=[IF_MATCH])
@bp.response(200, OwnListingSchema, headers=ETAG_HEADER)
@problem(412, "The listing changed since the ETag you sent")
@problem(428, "If-Match is missing")
def edit_course(_body_args: dict[str, Any], slug: str) -> Any:
    """Replace your course's draft (a new draft revision of a live course)."""
    return _edit("course", slug)


@bp.route("/me/revisions/<int:revision_id>/submit", methods=["POST"])
@token_required("listings:write")
@bp.response(200, RevisionSchema)
@problem(409, "Only a draft or a rejected revision can be submitted")
def submit_revision(revision_id: int) -> dict[str, Any]:
    """Send your draft to the moderation queue; it is live once an admin approves it."""
    if revision_id > MAX_ID:  # PostgreSQL's integer: a larger id cannot exist (and would fail)
        raise NotFound("revision")
    return _revision(services.submit(current_token().user, revision_id))
