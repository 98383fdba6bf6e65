"""Every write of the dashboards and the moderation queue.

A vendor's (or trainer's) save validates the row with the importer's own rules and stores it
as a revision; only an admin's approval writes the live row, through the importer's writer.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import sqlalchemy as sa
from blinker import Namespace
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from dx_match import audit
from dx_match.accounts.models import User
from dx_match.accounts.permissions import require_role
from dx_match.catalog import canonical
from dx_match.catalog.exchange import known_from_database, upsert_row
from dx_match.catalog.models import Course, Tool, Vendor
from dx_match.catalog.validation import Problems, check_course, check_tool
from dx_match.errors import Conflict, DxError, NotFound
from dx_match.extensions import db
from dx_match.listings.logos import is_logo_name
from dx_match.listings.models import NEW_BASE, ListingRevision
from dx_match.listings.rows import fingerprint, to_json, unsafe_text
from dx_match.notify.inapp import notify, wants_email
from dx_match.notify.services import queue_mail

#: The role that lists each kind, and the field naming the owning vendor.
ROLE_FOR_KIND = {"tool": "vendor", "course": "trainer"}
KIND_FOR_ROLE = {role: kind for kind, role in ROLE_FOR_KIND.items()}
OWNER_FIELD = {"tool": "vendor", "course": "provider"}
OPEN_STATES = ("draft", "pending", "rejected")
MAX_REASON = 2000
#: Sent after an approval or a rejection is committed (`revision=`): trust rescans the listing
#: and its vendor, so listings imports nothing above it.
listing_reviewed = Namespace().signal("listing-reviewed")


class ListingInvalid(DxError):
    """A listing row breaks the rules; `problems` holds (field, message) pairs."""

    status = 422

    def __init__(self, problems: Problems) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))
        self.problems = problems


class StaleEdit(Conflict):
    """The live listing (or the draft) changed since the edit began; `current` is its base now."""

    def __init__(self, message: str, current: str) -> None:
        super().__init__(message)
        self.current = current


def as_row(obj: Tool | Course) -> dict[str, Any]:
    """The canonical exchange-format row of a live tool or course."""
    return canonical.tool_row(obj) if isinstance(obj, Tool) else canonical.course_row(obj)


def _check(kind: str, raw: dict[str, Any]) -> tuple[dict[str, Any], Problems]:
    known = known_from_database()
    return check_tool(raw, known) if kind == "tool" else check_course(raw, known)


def _slugify(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "vendor"
    return f"{base}-{secrets.token_hex(3)}"


def current_vendor(actor: User | None, kind: str) -> Vendor | None:
    """The catalog vendor `actor` lists `kind` for, without creating one (for reading)."""
    user = require_role(actor, ROLE_FOR_KIND[kind])
    return user.organisation.vendor if user.organisation is not None else None


def owner_vendor(actor: User | None, kind: str) -> Vendor:
    """The catalog vendor whose listings `actor` manages, created on first use from the org."""
    user = require_role(actor, ROLE_FOR_KIND[kind])
    organisation = user.organisation
    if organisation is None:
        raise ListingInvalid([("-", str(_l("Your account belongs to no organisation.")))])
    if organisation.vendor is None:
        # A new vendor or training organisation has no catalog row yet: its first listing makes
        # one (public once a listing is approved), so the whole job can be done in the browser.
        organisation.vendor = Vendor(
            slug=_slugify(organisation.name),
            name=organisation.name,
            kind="software" if kind == "tool" else "training",
        )
        db.session.flush()
    return organisation.vendor


def live_row(kind: str, slug: str) -> Tool | Course | None:
    """The live tool or course with this slug, if any."""
    if kind == "tool":
        return db.session.scalar(sa.select(Tool).where(Tool.slug == slug))
    return db.session.scalar(sa.select(Course).where(Course.slug == slug))


def live_base(kind: str, slug: str) -> str:
    """The current optimistic-lock base of a listing: its live row's fingerprint, or NEW_BASE."""
    obj = live_row(kind, slug)
    return fingerprint(as_row(obj) if obj is not None else None, NEW_BASE)


def open_revision(kind: str, slug: str, vendor_id: int) -> ListingRevision | None:
    """The vendor's draft, pending or rejected revision of a listing, if there is one."""
    return db.session.scalar(
        sa.select(ListingRevision).where(
            ListingRevision.kind == kind,
            ListingRevision.slug == slug,
            ListingRevision.vendor_id == vendor_id,
            ListingRevision.state.in_(OPEN_STATES),
        )
    )


def own_listing(actor: User | None, kind: str, slug: str) -> tuple[dict[str, Any], str, Any]:
    """What the edit form starts from: (row, base, open revision or None); 404 if not theirs."""
    vendor = owner_vendor(actor, kind)
    revision = open_revision(kind, slug, vendor.id)
    obj = live_row(kind, slug)
    owner = (obj.vendor_id if isinstance(obj, Tool) else obj.provider_id) if obj else None
    if revision is None and (obj is None or owner != vendor.id):
        raise NotFound(kind)
    if revision is not None:
        return revision.row, revision.base, revision
    assert obj is not None
    return to_json(as_row(obj)), live_base(kind, slug), None


def own_revision(actor: User | None, revision_id: int) -> ListingRevision:
    """A revision its vendor's members (or an admin) may see; 404 for anyone else."""
    revision = db.session.get(ListingRevision, revision_id)
    if revision is None or actor is None:
        raise NotFound("revision")
    if actor.role == "admin":
        return revision
    organisation = actor.organisation
    if (
        actor.role != ROLE_FOR_KIND[revision.kind]
        or organisation is None
        or organisation.vendor_id != revision.vendor_id
    ):
        raise NotFound("revision")
    return revision


def validated_row(
    kind: str, raw: dict[str, Any], vendor: Vendor, revision: ListingRevision | None
) -> dict[str, Any]:
    """The canonical row of a vendor's raw listing (owner forced to them), or ListingInvalid."""
    raw = {k: v for k, v in raw.items() if k != "status"} | {OWNER_FIELD[kind]: vendor.slug}
    problems = unsafe_text(raw)
    if problems:
        raise ListingInvalid(problems)
    row, problems = _check(kind, raw)
    if "logo" in raw and not is_logo_name(raw["logo"]):
        problems.append(("logo", str(_l("Upload the logo on the listing's form."))))
    slug = row.get("slug")
    if slug is not None:
        obj = live_row(kind, slug)
        owner = (obj.vendor_id if isinstance(obj, Tool) else obj.provider_id) if obj else None
        others = db.session.scalar(
            sa.select(sa.func.count(ListingRevision.id)).where(
                ListingRevision.kind == kind,
                ListingRevision.slug == slug,
                ListingRevision.vendor_id != vendor.id,
                ListingRevision.state.in_(OPEN_STATES),
            )
        )
        if (obj is not None and owner != vendor.id) or others:
            problems.append(("slug", str(_l("This slug is taken; choose another one."))))
        elif revision is not None and revision.slug != slug:
            problems.append(("slug", str(_l("The slug of a listing cannot be changed."))))
    if problems:
        raise ListingInvalid(problems)
    return row


def save(
    actor: User | None,
    kind: str,
    raw: dict[str, Any],
    *,
    base: str,
    revision_id: int | None = None,
    revision_version: int | None = None,
    submit: bool = False,
) -> ListingRevision:
    """Validate a listing row and keep it as the vendor's draft (or submit it for review)."""
    vendor = owner_vendor(actor, kind)
    revision = own_revision(actor, revision_id) if revision_id is not None else None
    if revision is not None and revision.state not in OPEN_STATES:
        raise StaleEdit(
            str(_l("This revision was already reviewed.")), live_base(kind, revision.slug)
        )
    row = validated_row(kind, raw, vendor, revision)
    slug = row["slug"]
    current = live_base(kind, slug)
    if current != base:
        raise StaleEdit(str(_l("The listing changed since you began editing it.")), current)
    if revision is None:
        revision = open_revision(kind, slug, vendor.id)
        if revision is not None and base == NEW_BASE:
            raise ListingInvalid([("slug", str(_l("You already have a listing with this slug.")))])
    elif revision_version is not None and revision.version != revision_version:
        raise StaleEdit(str(_l("This draft was saved elsewhere since you opened it.")), current)
    if revision is None:
        revision = ListingRevision(kind=kind, slug=slug, vendor_id=vendor.id)
        db.session.add(revision)
    revision.row = to_json(row)
    revision.base = base
    revision.author = actor
    revision.state = "pending" if submit else "draft"
    revision.reason = None
    try:
        db.session.flush()
    except StaleDataError as exc:
        db.session.rollback()
        raise StaleEdit(
            str(_l("This draft was saved elsewhere since you opened it.")), current
        ) from exc
    audit.record(
        actor, "listing.submit" if submit else "listing.save", kind, slug, {"revision": revision.id}
    )
    db.session.commit()
    return revision


def submit(actor: User | None, revision_id: int) -> ListingRevision:
    """Send a draft (or a rejected revision, after changes) to the moderation queue."""
    revision = own_revision(actor, revision_id)
    require_role(actor, ROLE_FOR_KIND[revision.kind])
    if revision.state not in ("draft", "rejected"):
        raise Conflict(str(_l("Only a draft can be submitted for review.")))
    revision.state = "pending"
    audit.record(actor, "listing.submit", revision.kind, revision.slug, {"revision": revision.id})
    db.session.commit()
    return revision


def approve(actor: User | None, revision_id: int) -> Tool | Course:
    """Admin: write the revision as the live row (the importer's validation and writer)."""
    require_role(actor, "admin")
    revision = own_revision(actor, revision_id)
    if revision.state != "pending":
        raise Conflict(str(_l("Only a pending revision can be approved.")))
    current = live_base(revision.kind, revision.slug)
    if current != revision.base:
        raise StaleEdit(str(_l("The live listing changed since this edit began.")), current)
    row, problems = _check(revision.kind, revision.row)
    if problems:
        raise ListingInvalid(problems)
    outcome = upsert_row(f"{revision.kind}s", row)
    revision.state = "approved"
    audit.record(
        actor, "listing.approve", revision.kind, revision.slug,
        {"revision": revision.id, "outcome": outcome},
    )  # fmt: skip
    obj = live_row(revision.kind, revision.slug)
    assert obj is not None
    if revision.author is not None:
        _tell_author_approved(revision)
    db.session.commit()
    listing_reviewed.send(revision)
    return obj


def _tell_author_approved(revision: ListingRevision) -> None:
    """Notify the author in the app and (unless they opted out) by mail: the listing is live."""
    author = revision.author
    assert author is not None
    endpoint = "catalog.tool_detail" if revision.kind == "tool" else "catalog.course_detail"
    notify(
        author.id, "listing_approved", {"slug": revision.slug},
        url_for(endpoint, slug=revision.slug), mail=False,
    )  # fmt: skip
    if wants_email(author, "listing_approved"):
        queue_mail(
            author.email,
            "listing_approved",
            _l("Your listing is approved"),
            author.locale,
            revision=revision,
            link=url_for(endpoint, slug=revision.slug, _external=True),
        )


def reject(actor: User | None, revision_id: int, reason: str) -> ListingRevision:
    """Admin: send a pending revision back with a reason; its author is told by mail."""
    require_role(actor, "admin")
    revision = own_revision(actor, revision_id)
    reason = reason.strip()
    if not reason:
        raise ListingInvalid([("reason", str(_l("Say why, so the author can fix it.")))])
    if problems := unsafe_text({"reason": reason}):
        raise ListingInvalid(problems)
    if len(reason) > MAX_REASON:
        raise ListingInvalid([("reason", str(_l("At most 2000 characters.")))])
    if revision.state != "pending":
        raise Conflict(str(_l("Only a pending revision can be rejected.")))
    revision.state = "rejected"
    revision.reason = reason
    author = revision.author
    if author is not None:
        notify(
            author.id, "listing_rejected", {"slug": revision.slug},
            url_for("listings.revision", revision_id=revision.id), mail=False,
        )  # fmt: skip
    if author is not None and wants_email(author, "listing_rejected"):
        queue_mail(
            author.email,
            "listing_rejected",
            _l("Your listing was not approved"),
            author.locale,
            revision=revision,
            reason=reason,
        )
    audit.record(
        actor,
        "listing.reject",
        revision.kind,
        revision.slug,
        {"revision": revision.id, "reason": reason},
    )
    db.session.commit()
    listing_reviewed.send(revision)
    return revision


def archive(actor: User | None, kind: str, slug: str) -> Tool | Course:
    """Take a live listing off the site (no longer published, so out of search)."""
    vendor = owner_vendor(actor, kind)
    obj = live_row(kind, slug)
    owner = (obj.vendor_id if isinstance(obj, Tool) else obj.provider_id) if obj else None
    if obj is None or owner != vendor.id:
        raise NotFound(kind)
    row, problems = _check(kind, to_json(as_row(obj)) | {"status": "archived"})
    if problems:  # pragma: no cover - a live row always passes its own rules
        raise ListingInvalid(problems)
    upsert_row(f"{kind}s", row)
    audit.record(actor, "listing.archive", kind, slug)
    db.session.commit()
    return obj
