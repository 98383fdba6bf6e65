"""Every write of inquiries: ask, reply, close, mark read; each checks who may, mails, commits once.

Mail goes through the outbox in the same transaction as the change, so an inquiry is never
saved without its notices (nor a notice sent for an inquiry that was rolled back), and an SMTP
outage only delays delivery.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from dx_match.accounts.models import Organisation, User
from dx_match.accounts.permissions import require_role
from dx_match.accounts.services import FieldProblem
from dx_match.catalog.models import Course, Tool
from dx_match.config import UI_LANGUAGES
from dx_match.db import utcnow
from dx_match.errors import Forbidden, NotFound
from dx_match.extensions import db
from dx_match.i18n import localized
from dx_match.inquiries import links, queries
from dx_match.inquiries.models import COURSE_KINDS, TOOL_KINDS, Inquiry, InquiryMessage
from dx_match.notify.inapp import mark_read_by_link, notify, wants_email
from dx_match.notify.services import queue_mail

MESSAGE_MAX = 5000


@dataclass(frozen=True)
class Contact:
    """What a visitor without an account leaves so the vendor can answer."""

    name: str
    email: str
    company: str = ""
    phone: str = ""


def find_listing(listing_kind: str, slug: str) -> Tool | Course:
    """A published tool or course by slug (NotFound otherwise)."""
    row: Tool | Course | None
    if listing_kind == "tool":
        row = db.session.scalars(
            sa.select(Tool).where(Tool.slug == slug, Tool.status == "published")
        ).one_or_none()
    else:
        row = db.session.scalars(
            sa.select(Course).where(Course.slug == slug, Course.status == "published")
        ).one_or_none()
    if row is None:
        raise NotFound(f"no published {listing_kind} {slug!r}")
    return row


def kinds_for(listing_kind: str) -> tuple[str, ...]:
    """The inquiry kinds a tool or a course accepts."""
    return TOOL_KINDS if listing_kind == "tool" else COURSE_KINDS


def listing_name(inquiry: Inquiry, lang: str) -> str:
    """The tool's name or the course's title in `lang`."""
    if inquiry.tool is not None:
        return localized(inquiry.tool.name, lang)
    assert inquiry.course is not None
    return localized(inquiry.course.title, lang)


def vendor_members(vendor_id: int) -> list[User]:
    """Active, confirmed members of the organisation(s) owning the catalog vendor row."""
    query = (
        sa.select(User)
        .join(Organisation, User.organisation_id == Organisation.id)
        .where(
            Organisation.vendor_id == vendor_id,
            User.active.is_(True),
            User.email_confirmed_at.is_not(None),
            User.role.in_(("vendor", "trainer")),
        )
        .order_by(User.email)
    )
    return list(db.session.scalars(query))


def asker_link(inquiry: Inquiry) -> str:
    """Where the asker reads the thread: the inbox page, or a signed link for a visitor."""
    if inquiry.asker_id is not None:
        return url_for("inquiries.thread", inquiry_id=inquiry.id, _external=True)
    token = links.make_visitor_token(inquiry.id, inquiry.email)
    return url_for("inquiries.visitor_thread", token=token, _external=True)


def _clean_message(body: str, field: str = "message") -> str:
    text = (body or "").strip()
    if not text:
        raise FieldProblem(field, _l("Write a message."))
    if len(text) > MESSAGE_MAX:
        raise FieldProblem(field, _l("Use at most 5000 characters."))
    return text


def ask(
    actor: User | None,
    *,
    listing_kind: str,
    slug: str,
    kind: str,
    message: str,
    consent: bool,
    contact: Contact | None = None,
    locale: str = "en",
) -> Inquiry:
    """Send an inquiry from a signed-in SME user or a visitor to the listing's vendor."""
    if actor is not None:
        require_role(actor, "sme")
    elif contact is None or not contact.name.strip() or not contact.email.strip():
        raise FieldProblem("email", _l("Leave your name and e-mail address."))
    listing = find_listing(listing_kind, slug)
    if kind not in kinds_for(listing_kind):
        raise FieldProblem("kind", _l("Choose one of the listed options."))
    text = _clean_message(message)
    if actor is not None:
        organisation = actor.organisation
        name, email = actor.display_name or actor.email, actor.email
        company, phone = (organisation.name if organisation else ""), ""
        locale = actor.locale
    else:
        assert contact is not None
        organisation = None
        name, email = contact.name.strip(), contact.email.strip().lower()
        company, phone = contact.company.strip(), contact.phone.strip()
    now = utcnow()
    inquiry = Inquiry(
        kind=kind,
        status="new",
        tool=listing if isinstance(listing, Tool) else None,
        course=listing if isinstance(listing, Course) else None,
        vendor_id=listing.vendor_id if isinstance(listing, Tool) else listing.provider_id,
        asker=actor,
        asker_organisation=organisation,
        name=name,
        company=company,
        email=email,
        phone=phone,
        consent=consent,
        locale=locale if locale in UI_LANGUAGES else "en",
        last_message_at=now,
        last_author="asker",
        asker_seen_at=now,
    )
    inquiry.messages.append(InquiryMessage(author="asker", user=actor, body=text, created_at=now))
    db.session.add(inquiry)
    db.session.flush()
    _mail_vendor(inquiry, "inquiry_received", text)
    queue_mail(
        inquiry.email,
        "inquiry_confirmation",
        _l("Your inquiry about %(listing)s", listing=listing_name(inquiry, inquiry.locale)),
        inquiry.locale,
        inquiry=inquiry,
        listing=listing_name(inquiry, inquiry.locale),
        message=text,
        link=asker_link(inquiry),
    )
    db.session.commit()
    return inquiry


def _listing_text(inquiry: Inquiry) -> str | dict[str, str]:
    """The listing's name as stored (a {language: text} map is shown in the reader's language)."""
    return inquiry.tool.name if inquiry.tool is not None else inquiry.course.title  # type: ignore[union-attr]


def _mail_vendor(inquiry: Inquiry, template: str, text: str) -> None:
    """Notify each vendor member (`template` is the notification kind); mail those who want it."""
    link = url_for("inquiries.thread", inquiry_id=inquiry.id, _external=True)
    path = url_for("inquiries.thread", inquiry_id=inquiry.id)
    for member in vendor_members(inquiry.vendor_id):
        notify(member.id, template, {"listing": _listing_text(inquiry)}, path, mail=False)
        if not wants_email(member, template):
            continue
        listing = listing_name(inquiry, member.locale)
        subject = (
            _l("New inquiry about %(listing)s", listing=listing)
            if template == "inquiry_received"
            else _l("A new message about %(listing)s", listing=listing)
        )
        queue_mail(
            member.email,
            template,
            subject,
            member.locale,
            inquiry=inquiry,
            listing=listing,
            message=text,
            link=link,
            recipient=member,
        )


def _require_side(
    actor: User | None, inquiry_id: int, visitor_email: str | None
) -> tuple[Inquiry, str]:
    """The inquiry and the side the actor (or the visitor's signed link) speaks for.

    Others get NotFound; an admin may read any thread but speaks for neither side (Forbidden).
    """
    inquiry = queries.thread(inquiry_id)
    if inquiry is None:
        raise NotFound("inquiry")
    if visitor_email is not None:
        if inquiry.asker_id is not None or inquiry.email != visitor_email:
            raise NotFound("inquiry")
        return inquiry, "asker"
    side = queries.side_of(actor, inquiry)
    if side is None:
        if actor is not None and actor.role == "admin":
            raise Forbidden("admins read inquiries but do not answer them")
        raise NotFound("inquiry")
    return inquiry, side


def readable_thread(actor: User | None, inquiry_id: int) -> tuple[Inquiry, str | None]:
    """The thread for one of its sides (or an admin: side None); NotFound for anyone else."""
    inquiry = queries.thread(inquiry_id)
    if inquiry is None:
        raise NotFound("inquiry")
    side = queries.side_of(actor, inquiry)
    if side is None and not (actor is not None and actor.role == "admin"):
        raise NotFound("inquiry")
    return inquiry, side


def visitor_thread(token: str) -> Inquiry:
    """The visitor's inquiry a signed link names (NotFound for a bad or foreign link)."""
    try:
        inquiry_id, email = links.read_visitor_token(token)
    except links.LinkInvalid as exc:
        raise NotFound("inquiry") from exc
    return _require_side(None, inquiry_id, email)[0]


def reply(
    actor: User | None, inquiry_id: int, body: str, *, visitor_token: str | None = None
) -> Inquiry:
    """Add a message to the thread and mail the other side; a vendor's answer marks it answered."""
    email = None
    if visitor_token is not None:
        try:
            inquiry_id, email = links.read_visitor_token(visitor_token)
        except links.LinkInvalid as exc:
            raise NotFound("inquiry") from exc
    inquiry, side = _require_side(actor, inquiry_id, email)
    text = _clean_message(body, "body")
    now = utcnow()
    inquiry.messages.append(
        InquiryMessage(
            author=side, user=actor if email is None else None, body=text, created_at=now
        )
    )
    inquiry.last_message_at = now
    inquiry.last_author = side
    if side == "vendor":
        inquiry.status = "answered"
        inquiry.vendor_seen_at = now
        listing = listing_name(inquiry, inquiry.locale)
        asker = inquiry.asker
        if asker is not None:
            path = url_for("inquiries.thread", inquiry_id=inquiry.id)
            notify(
                asker.id, "inquiry_message", {"listing": _listing_text(inquiry)}, path, mail=False
            )
        if asker is None or wants_email(asker, "inquiry_message"):  # a visitor has only mail
            queue_mail(
                inquiry.email,
                "inquiry_message",
                _l(
                    "%(vendor)s answered your inquiry about %(listing)s",
                    vendor=localized(inquiry.vendor.name, inquiry.locale),
                    listing=listing,
                ),
                inquiry.locale,
                inquiry=inquiry,
                listing=listing,
                message=text,
                link=asker_link(inquiry),
                recipient=None,
            )
    else:
        if inquiry.status == "closed":  # writing again reopens it
            inquiry.status = (
                "answered" if any(m.author == "vendor" for m in inquiry.messages) else "new"
            )
        inquiry.asker_seen_at = now
        _mail_vendor(inquiry, "inquiry_message", text)
    if email is None:
        _thread_notices_read(actor, inquiry)
    db.session.commit()
    return inquiry


def close(actor: User | None, inquiry_id: int) -> Inquiry:
    """Either side closes the inquiry (writing again reopens it)."""
    inquiry, side = _require_side(actor, inquiry_id, None)
    inquiry.status = "closed"
    mark = utcnow()
    if side == "vendor":
        inquiry.vendor_seen_at = mark
    else:
        inquiry.asker_seen_at = mark
    _thread_notices_read(actor, inquiry)
    db.session.commit()
    return inquiry


def mark_read(actor: User | None, inquiry_id: int) -> Inquiry:
    """Mark the thread read for the actor's side (a POST: showing a thread changes nothing)."""
    inquiry, side = _require_side(actor, inquiry_id, None)
    if side == "vendor":
        inquiry.vendor_seen_at = utcnow()
    else:
        inquiry.asker_seen_at = utcnow()
    _thread_notices_read(actor, inquiry)
    db.session.commit()
    return inquiry


def _thread_notices_read(actor: User | None, inquiry: Inquiry) -> None:
    """What the actor read or answered in the thread is no longer news on their bell."""
    if actor is not None:
        mark_read_by_link(actor.id, url_for("inquiries.thread", inquiry_id=inquiry.id))
