"""Dashboards of vendors (tools) and trainers (courses), and the admins' moderation queue.

Thin views: parse the form, call one service, render or redirect. A rejected save re-renders
the form as it was typed with each problem on its field; a stale one answers 409, input kept.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from dx_match.accounts.permissions import current_account, require_role, role_required
from dx_match.i18n import ui_language
from dx_match.listings import bulk, queries, services
from dx_match.listings.formdata import form_to_row, row_to_data, show_problems
from dx_match.listings.forms import (
    ButtonForm,
    CourseForm,
    RejectForm,
    ToolForm,
    UploadForm,
)
from dx_match.listings.logos import MAX_BYTES as MAX_LOGO_BYTES
from dx_match.listings.logos import LogoInvalid, is_logo_name, logo_directory, store_logo
from dx_match.listings.models import NEW_BASE
from dx_match.listings.rows import diff, to_json

bp = Blueprint("listings", __name__)
KIND = "<any(tool, course):kind>"
FORMS: dict[str, type[ToolForm] | type[CourseForm]] = {"tool": ToolForm, "course": CourseForm}


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 12 else None


def _kind_of_actor() -> str:
    actor = require_role(current_account(), "vendor", "trainer")
    return services.KIND_FOR_ROLE[actor.role]


@bp.get("/dashboard")
@role_required("vendor", "trainer", "admin")
def dashboard() -> ResponseReturnValue:
    """One's own listings and revisions (admins are sent to the moderation queue)."""
    actor = current_account()
    assert actor is not None
    if actor.role == "admin":
        return redirect(url_for("listings.moderation"))
    kind = services.KIND_FOR_ROLE[actor.role]
    vendor = services.current_vendor(actor, kind)
    return render_template(
        "listings/dashboard.html",
        kind=kind,
        vendor=vendor,
        listings=queries.vendor_listings(kind, vendor.id) if vendor else [],
        revisions=queries.vendor_revisions(vendor.id) if vendor else [],
        button=ButtonForm(formdata=None),
    )


def _form_page(kind: str, form: Any, status: int = 200, **context: Any) -> ResponseReturnValue:
    return render_template("listings/form.html", kind=kind, form=form, **context), status


def _save(kind: str, form: Any, slug: str | None = None) -> ResponseReturnValue:
    queries.set_choices(kind, form, ui_language())
    if not form.is_submitted():
        return _form_page(kind, form, slug=slug)
    if not form.validate():
        if "csrf_token" in form.errors:
            abort(400, _("The form expired; reload the page and try again."))
        return _form_page(kind, form, 422, slug=slug)
    row, kept = form_to_row(kind, form)
    if (problem := _take_logo(form, row)) is not None:
        form.logo.errors = [problem]
        return _form_page(kind, form, 422, slug=slug)
    if slug is not None:
        row["slug"] = slug  # an edit keeps its address
    try:
        revision = services.save(
            current_account(),
            kind,
            row,
            base=form.base.data or NEW_BASE,
            revision_id=_int(form.revision_id.data),
            revision_version=_int(form.revision_version.data),
            submit="submit" in request.form,
        )
    except services.ListingInvalid as exc:
        unplaced = show_problems(kind, form, exc.problems, kept)
        return _form_page(kind, form, 422, slug=slug, unplaced=unplaced)
    except services.StaleEdit as exc:
        # Keep everything typed; the next save is based on what is live now (the user has
        # been told to compare first).
        form.base.data = exc.current
        form.revision_version.data = ""
        return _form_page(kind, form, 409, slug=slug, conflict=str(exc))
    if revision.state == "pending":
        flash(
            _("Submitted for review. The live listing changes once an admin approves."), "success"
        )
    else:
        flash(_("Draft saved."), "success")
    return redirect(url_for("listings.revision", revision_id=revision.id))


def _take_logo(form: Any, row: dict[str, Any]) -> str | None:
    """Store a newly uploaded logo (or keep the current one) in the row; a problem, or None."""
    upload: FileStorage | None = form.logo.data
    if isinstance(upload, FileStorage) and upload.filename:
        try:
            row["logo"] = store_logo(upload.read(MAX_LOGO_BYTES + 1), current_app.instance_path)
        except LogoInvalid as exc:
            return str(exc)
        form.logo_name.data = row["logo"]  # kept if the save fails on another field
    elif is_logo_name(form.logo_name.data):
        row["logo"] = form.logo_name.data
    return None


@bp.get("/uploads/logos/<name>")
def logo(name: str) -> ResponseReturnValue:
    """A stored logo; only names this site gave (never a path) are served."""
    if not is_logo_name(name):
        abort(404)
    return send_from_directory(logo_directory(current_app.instance_path), name, max_age=86400)


@bp.route(f"/dashboard/{KIND}/new", methods=["GET", "POST"])
@role_required("vendor", "trainer")
def new(kind: str) -> ResponseReturnValue:
    """A new tool (vendors) or course (trainers)."""
    if _kind_of_actor() != kind:
        abort(403)
    if request.method == "GET":
        form = FORMS[kind](formdata=None, data=row_to_data(kind, {}) | {"base": NEW_BASE})
    else:
        form = FORMS[kind]()
    return _save(kind, form)


@bp.route(f"/dashboard/{KIND}/<slug>/edit", methods=["GET", "POST"])
@role_required("vendor", "trainer")
def edit(kind: str, slug: str) -> ResponseReturnValue:
    """Edit one's listing: its open revision if there is one, else the live row."""
    row, base, revision = services.own_listing(current_account(), kind, slug)
    if request.method == "GET":
        locking = {
            "base": base,
            "revision_id": revision.id if revision else "",
            "revision_version": revision.version if revision else "",
        }
        form = FORMS[kind](formdata=None, data=row_to_data(kind, row) | locking)
    else:
        form = FORMS[kind]()
    return _save(kind, form, slug)


@bp.get("/dashboard/revisions/<int:revision_id>")
@role_required("vendor", "trainer", "admin")
def revision(revision_id: int) -> ResponseReturnValue:
    """Preview a revision as it would be published."""
    found = services.own_revision(current_account(), revision_id)
    return render_template(
        "listings/preview.html", revision=found, row=found.row, button=ButtonForm(formdata=None)
    )


@bp.post("/dashboard/revisions/<int:revision_id>/submit")
@role_required("vendor", "trainer")
def submit(revision_id: int) -> ResponseReturnValue:
    """Send a draft to the moderation queue."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    services.submit(current_account(), revision_id)
    flash(_("Submitted for review. The live listing changes once an admin approves."), "success")
    return redirect(url_for("listings.revision", revision_id=revision_id))


@bp.post(f"/dashboard/{KIND}/<slug>/archive")
@role_required("vendor", "trainer")
def archive(kind: str, slug: str) -> ResponseReturnValue:
    """Take a live listing off the site."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    services.archive(current_account(), kind, slug)
    flash(_("Archived: the listing is no longer shown or found."), "success")
    return redirect(url_for("listings.dashboard"))


@bp.route("/dashboard/upload", methods=["GET", "POST"])
@role_required("vendor", "trainer")
def upload() -> ResponseReturnValue:
    """Bulk upload: every row checked, all or nothing, valid rows become pending revisions."""
    kind = _kind_of_actor()
    form = UploadForm()
    report = None
    status = 200
    if form.is_submitted():
        if not form.validate():
            abort(400, _("The form expired; reload the page and try again."))
        file = form.file.data
        if file is None or not getattr(file, "filename", ""):
            form.file.errors = [_("Choose a file to upload.")]
            status = 422
        else:
            report = bulk.upload(
                current_account(), kind, file.filename, file.read(bulk.MAX_BYTES + 1)
            )
            if report.problems:
                status = 422
            else:
                flash(
                    _("%(count)d listings submitted for review.", count=len(report.revisions)),
                    "success",
                )
                return redirect(url_for("listings.dashboard"))
    return render_template("listings/upload.html", kind=kind, form=form, report=report), status


# -- moderation (admins) -------------------------------------------------------


@bp.get("/admin/moderation")
@role_required("admin")
def moderation() -> ResponseReturnValue:
    """The queue of pending revisions, oldest first."""
    return render_template("admin/moderation.html", revisions=queries.pending_revisions())


def _review_page(revision_id: int, status: int = 200, **context: Any) -> ResponseReturnValue:
    found = services.own_revision(current_account(), revision_id)
    live = services.live_row(found.kind, found.slug)
    live_row = to_json(services.as_row(live)) if live is not None else None
    context.setdefault("reject_form", RejectForm(formdata=None))
    return render_template(
        "admin/review.html",
        revision=found,
        live=live,
        changes=diff(live_row, found.row),
        button=ButtonForm(formdata=None),
        **context,
    ), status


@bp.get("/admin/moderation/<int:revision_id>")
@role_required("admin")
def review(revision_id: int) -> ResponseReturnValue:
    """A revision against the live row: what would change."""
    return _review_page(revision_id)


@bp.post("/admin/moderation/<int:revision_id>/approve")
@role_required("admin")
def approve(revision_id: int) -> ResponseReturnValue:
    """Publish a revision."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.approve(current_account(), revision_id)
    except services.StaleEdit as exc:
        return _review_page(revision_id, 409, conflict=str(exc))
    except services.ListingInvalid as exc:
        return _review_page(revision_id, 422, problems=exc.problems)
    flash(_("Approved and published."), "success")
    return redirect(url_for("listings.moderation"))


@bp.post("/admin/moderation/<int:revision_id>/reject")
@role_required("admin")
def reject(revision_id: int) -> ResponseReturnValue:
    """Send a revision back to its author with a reason."""
    form = RejectForm()
    if not form.validate():
        if "csrf_token" in form.errors:
            abort(400)
        return _review_page(revision_id, 422, reject_form=form)
    try:
        services.reject(current_account(), revision_id, form.reason.data or "")
    except services.ListingInvalid as exc:
        form.reason.errors = [m for _f, m in exc.problems]
        return _review_page(revision_id, 422, reject_form=form)
    flash(_("Rejected; the author has been told why."), "success")
    return redirect(url_for("listings.moderation"))
