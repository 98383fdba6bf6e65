"""Inquiry pages: the ask form, inboxes and threads under /inbox, leads and statistics under /leads.

Thin views: validate a form, call one service, render or redirect. Every change is a POST with
a CSRF token; a visitor's signed link opens the thread, whose form does the POST.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    after_this_request,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from dx_match.accounts.forms import ConfirmForm
from dx_match.accounts.permissions import (
    current_account,
    login_required,
    require_role,
    role_required,
)
from dx_match.accounts.services import FieldProblem
from dx_match.catalog.models import Course, Tool
from dx_match.i18n import localized, ui_language
from dx_match.inquiries import counting, queries, services, stats
from dx_match.inquiries.forms import (
    KIND_LABELS,
    STATUS_LABELS,
    InquiryForm,
    ReplyForm,
    VisitorInquiryForm,
)
from dx_match.inquiries.models import STATUSES, Inquiry
from dx_match.security import rate_limit

#: How much of a `?message=` (a link from an advisor's set) pre-fills the question.
MESSAGE_PREFILL_MAX = 500

bp = Blueprint("inquiries", __name__)


def today() -> date:
    """The day statistics end on."""
    return date.today()


def _field_error(form: Any, problem: FieldProblem) -> None:
    field = getattr(form, problem.field, None)
    if field is None:
        flash(str(problem.message), "error")
        return
    field.errors = [*field.errors, str(problem.message)]


@bp.route("/inbox/ask/<any(tool, course):listing_kind>/<slug>", methods=["GET", "POST"])
@rate_limit("inquiry")
def ask(listing_kind: str, slug: str) -> ResponseReturnValue:
    """Ask the vendor or trainer: SMEs signed in, or visitors with contact details."""
    actor = current_account()
    if actor is not None:
        require_role(actor, "sme")  # vendors, advisors and admins do not ask here
    listing = services.find_listing(listing_kind, slug)
    form: InquiryForm = InquiryForm() if actor is not None else VisitorInquiryForm()
    form.set_kinds(services.kinds_for(listing_kind))
    if request.method == "GET" and not form.kind.data:
        form.kind.data = form.kind.choices[0][0]
    if request.method == "GET" and request.args.get("message") and not form.message.data:
        form.message.data = request.args["message"][:MESSAGE_PREFILL_MAX]  # e.g. from a set item
    if form.validate_on_submit():
        if form.website.data:  # a robot filled the honeypot: answer as usual, keep nothing
            return render_template(
                "inquiries/sent.html", listing=listing, listing_kind=listing_kind
            )
        contact = None
        if isinstance(form, VisitorInquiryForm):
            contact = services.Contact(
                name=form.name.data,
                email=form.email.data,
                company=form.company.data or "",
                phone=form.phone.data or "",
            )
        try:
            inquiry = services.ask(
                actor,
                listing_kind=listing_kind,
                slug=slug,
                kind=form.kind.data,
                message=form.message.data,
                consent=bool(form.consent.data),
                contact=contact,
                locale=ui_language(),
            )
        except FieldProblem as problem:
            _field_error(form, problem)
        else:
            return render_template(
                "inquiries/sent.html", listing=listing, listing_kind=listing_kind, inquiry=inquiry
            )
    status = 422 if form.errors else 200
    return (
        render_template(
            "inquiries/ask.html", form=form, listing=listing, listing_kind=listing_kind
        ),
        status,
    )


@bp.get("/inbox")
@login_required
def inbox() -> ResponseReturnValue:
    """The actor's inquiries: incoming for vendors and trainers, sent for SMEs."""
    actor = current_account()
    assert actor is not None
    status = request.args.get("status")
    if status not in STATUSES:
        status = None
    return render_template(
        "inquiries/inbox.html",
        side=queries.inbox_side(actor),
        inquiries=queries.inbox(actor, status),
        counts=queries.status_counts(actor),
        unread=queries.unread_ids(actor),
        status=status,
        statuses=STATUSES,
    )


def _thread_page(
    inquiry: Inquiry,
    side: str | None,
    form: ReplyForm | None = None,
    status: int = 200,
    token: str | None = None,
) -> ResponseReturnValue:
    return (
        render_template(
            "inquiries/thread.html",
            inquiry=inquiry,
            side=side,
            form=form or ReplyForm(formdata=None),
            confirm=ConfirmForm(formdata=None),
            token=token,
        ),
        status,
    )


@bp.get("/inbox/<int:inquiry_id>")
@login_required
def thread(inquiry_id: int) -> ResponseReturnValue:
    """One inquiry's thread, for either side (404 for anyone else)."""
    inquiry, side = services.readable_thread(current_account(), inquiry_id)
    return _thread_page(inquiry, side)


@bp.post("/inbox/<int:inquiry_id>/reply")
@login_required
@rate_limit("inquiry")
def reply(inquiry_id: int) -> ResponseReturnValue:
    """Answer (vendor) or follow up (asker); the other side is mailed."""
    actor = current_account()
    inquiry, side = services.readable_thread(actor, inquiry_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            services.reply(actor, inquiry_id, form.body.data)
        except FieldProblem as problem:
            _field_error(form, problem)
        else:
            flash(_("Your message is sent."), "success")
            return redirect(url_for("inquiries.thread", inquiry_id=inquiry_id))
    return _thread_page(inquiry, side, form, 422)


@bp.post("/inbox/<int:inquiry_id>/close")
@login_required
def close(inquiry_id: int) -> ResponseReturnValue:
    """Close the inquiry (writing again reopens it)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.close(current_account(), inquiry_id)
    flash(_("The inquiry is closed."), "success")
    return redirect(url_for("inquiries.thread", inquiry_id=inquiry_id))


@bp.post("/inbox/<int:inquiry_id>/read")
@login_required
def mark_read(inquiry_id: int) -> ResponseReturnValue:
    """Mark the thread read (opening it does not: GET changes nothing)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.mark_read(current_account(), inquiry_id)
    return redirect(url_for("inquiries.inbox"))


@bp.get("/inbox/visitor/<token>")
def visitor_thread(token: str) -> ResponseReturnValue:
    """A visitor's thread, opened from the signed link in its mail."""
    return _thread_page(services.visitor_thread(token), "asker", token=token)


@bp.post("/inbox/visitor/<token>")
@rate_limit("inquiry")
def visitor_reply(token: str) -> ResponseReturnValue:
    """A visitor's follow-up message from the signed link."""
    inquiry = services.visitor_thread(token)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            services.reply(None, inquiry.id, form.body.data, visitor_token=token)
        except FieldProblem as problem:
            _field_error(form, problem)
        else:
            flash(_("Your message is sent."), "success")
            return redirect(url_for("inquiries.visitor_thread", token=token))
    return _thread_page(inquiry, "asker", form, 422, token=token)


def _vendor_id() -> int | None:
    return queries.owned_vendor_id(current_account())


@bp.get("/leads")
@role_required("vendor", "trainer")
def leads() -> ResponseReturnValue:
    """Views and inquiries per listing by week (chart and table), and course interest."""
    vendor_id = _vendor_id()
    if vendor_id is not None:
        counting.view_counter().flush()  # this worker's latest views too
    starts, rows = queries.listing_stats(vendor_id, today()) if vendor_id else ([], [])
    charts = [stats.bar_chart([row.views, row.inquiries], starts) for row in rows]
    return render_template(
        "inquiries/leads.html",
        vendor_id=vendor_id,
        starts=starts,
        rows=list(zip(rows, charts, strict=True)),
        interest=queries.course_interest(vendor_id) if vendor_id else [],
    )


@bp.get("/leads.csv")
@role_required("vendor", "trainer")
def leads_csv() -> ResponseReturnValue:
    """The leads statistics as CSV: one line per listing and week."""
    vendor_id = _vendor_id()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "slug", "name", "week", "views", "inquiries"])
    if vendor_id is not None:
        starts, rows = queries.listing_stats(vendor_id, today())
        for row in rows:
            name = localized(
                row.listing.name if isinstance(row.listing, Tool) else row.listing.title,
                ui_language(),
            )
            for start, views, asked in zip(starts, row.views, row.inquiries, strict=True):
                writer.writerow(
                    [row.kind, row.listing.slug, _csv_safe(name), start.isoformat(), views, asked]
                )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=leads.csv"},
    )


def _csv_safe(text: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.app_template_global()
def kind_label(kind: str) -> str:
    """What an inquiry asks for, in the current language."""
    return str(KIND_LABELS.get(kind, kind))


@bp.app_template_global()
def status_label(status: str) -> str:
    """An inquiry status in the current language."""
    return str(STATUS_LABELS.get(status, status))


@bp.app_template_global()
def inbox_unread() -> int:
    """The number next to "Inbox" in the header (0 if it cannot be counted)."""
    actor = current_account()
    if actor is None:
        return 0
    try:
        return queries.unread_count(actor)
    except Exception:  # the header must render even if this count fails
        return 0


def count_view(_sender: Flask, kind: str, listing: Tool | Course, **_extra: Any) -> None:
    """Count a listing page view unless a robot or the listing's own vendor is looking."""
    try:
        owner = listing.vendor_id if isinstance(listing, Tool) else listing.provider_id
        if stats.is_bot(request.user_agent.string) or _vendor_id() == owner:
            return
        counter = counting.view_counter()
        counter.add(kind, listing.id, today())
        if counter.due():

            @after_this_request
            def flush(response: Response) -> Response:
                counter.flush()
                return response

    except Exception:  # counting must never break the page
        from flask import current_app

        current_app.logger.warning("could not count a view of %s %s", kind, listing.id)


def init_app(app: Flask) -> None:
    """Register the pages, the view counter and its hook on catalog page views."""
    from dx_match.catalog.views import listing_viewed

    app.register_blueprint(bp)
    counting.init_app(app)
    listing_viewed.connect(count_view, app)
