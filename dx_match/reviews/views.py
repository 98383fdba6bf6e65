"""Review, adoption and outcome pages; the tool page's ratings section (a template global).

Thin views: validate a form, call one service, render or redirect. A form with errors is
shown again with what was typed (422).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from dx_match.accounts.forms import ConfirmForm
from dx_match.accounts.permissions import current_account, login_required, role_required
from dx_match.accounts.services import FieldProblem
from dx_match.catalog.models import Tool
from dx_match.errors import NotFound
from dx_match.i18n import ui_language
from dx_match.inquiries.services import find_listing
from dx_match.reviews import (
    adoptions,
    fraud_facts,
    outcome_services,
    queries,
    services,
    tool_section,
)
from dx_match.reviews.forms import AdoptionForm, OutcomeForm, ReasonForm, ReplyForm, ReviewForm
from dx_match.reviews.outcomes import measures_for

bp = Blueprint("reviews", __name__)


def today() -> date:
    """The day adoptions and outcome milestones are judged on."""
    return date.today()


def _field_error(form: Any, problem: FieldProblem) -> None:
    field = getattr(form, problem.field, None)
    if field is None:
        flash(str(problem.message), "error")
        return
    field.errors = [*field.errors, str(problem.message)]


def _tool_url(tool: Tool | str) -> str:
    slug = tool if isinstance(tool, str) else tool.slug
    return url_for("catalog.tool_detail", slug=slug) + "#reviews"


@bp.route("/tools/<slug>/review", methods=["GET", "POST"])
@login_required
def review_form(slug: str) -> ResponseReturnValue:
    """Write or edit the organisation's review; refused with the reason without an adoption."""
    actor = current_account()
    try:
        tool, adoption, review = services.reviewable(actor, slug)
    except services.ReviewRefused as refused:
        return render_template("reviews/refused.html", slug=slug, message=refused.message), 403
    form = ReviewForm(obj=None if request.method == "POST" else review)
    if request.method == "GET":
        if review is None:
            form.lang.data = ui_language()
        else:
            for name in ("overall", "ease", "value", "support"):
                getattr(form, name).data = str(getattr(review, name))
    if form.validate_on_submit():
        data = services.ReviewInput(
            overall=int(form.overall.data),
            ease=int(form.ease.data),
            value=int(form.value.data),
            support=int(form.support.data),
            weeks_to_live=form.weeks_to_live.data,
            body=form.body.data or "",
            lang=form.lang.data,
            show_name=bool(form.show_name.data),
        )
        try:
            services.save_review(actor, slug, data)
        except FieldProblem as problem:
            _field_error(form, problem)
        else:
            flash(_("Thank you: your review is published."), "success")
            return redirect(_tool_url(slug))
    status = 422 if form.errors else 200
    return render_template(
        "reviews/review_form.html", form=form, tool=tool, adoption=adoption, review=review
    ), status


@bp.post("/tools/<slug>/adoption")
@role_required("sme")
def declare(slug: str) -> ResponseReturnValue:
    """The SME records that it uses the tool; the vendor confirms it."""
    form = AdoptionForm()
    if form.validate_on_submit():
        try:
            adoptions.declare(current_account(), slug, form.since.data, today())
        except FieldProblem as problem:
            _field_error(form, problem)
        else:
            flash(_("Recorded. The vendor is asked to confirm that you are a customer."), "success")
            return redirect(_tool_url(slug))
    tool = find_listing("tool", slug)
    return render_template("reviews/declare.html", form=form, tool=tool), 422


@bp.post("/inbox/<int:inquiry_id>/customer")
@login_required
def mark_customer(inquiry_id: int) -> ResponseReturnValue:
    """The vendor marks an inquiry "became a customer"; the SME confirms it."""
    form = AdoptionForm()
    if form.validate_on_submit():
        try:
            adoptions.mark_customer(current_account(), inquiry_id, form.since.data, today())
        except FieldProblem as problem:
            flash(str(problem.message), "error")
        else:
            flash(_("Marked as a customer. The company is asked to confirm it."), "success")
        return redirect(url_for("inquiries.thread", inquiry_id=inquiry_id))
    # Check who asks before saying what was wrong with the form (others get 404).
    adoptions.mark_customer_allowed(current_account(), inquiry_id)
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")
    return redirect(url_for("inquiries.thread", inquiry_id=inquiry_id))


@bp.get("/adoptions")
@role_required("sme", "vendor")
def my_adoptions() -> ResponseReturnValue:
    """An SME's tools in use (to confirm, review, report outcomes); a vendor's customers."""
    actor = current_account()
    assert actor is not None
    if actor.role == "vendor":
        return redirect(url_for("reviews.vendor_adoptions"))
    return render_template(
        "reviews/adoptions.html",
        adoptions=adoptions.for_organisation(actor),
        confirm=ConfirmForm(formdata=None),
        today=today(),
        due=outcome_services.due_for,
    )


@bp.get("/adoptions/customers")
@role_required("vendor")
def vendor_adoptions() -> ResponseReturnValue:
    """The vendor's customers: declared adoptions to confirm, and confirmed ones."""
    return render_template(
        "reviews/customers.html",
        adoptions=adoptions.for_vendor(current_account()),
        confirm=ConfirmForm(formdata=None),
    )


@bp.post("/adoptions/<int:adoption_id>/confirm")
@login_required
def confirm(adoption_id: int) -> ResponseReturnValue:
    """The other side confirms an adoption."""
    actor = current_account()
    adoptions.confirm(actor, adoption_id)
    flash(_("Confirmed."), "success")
    assert actor is not None
    if actor.role == "vendor":
        return redirect(url_for("reviews.vendor_adoptions"))
    return redirect(url_for("reviews.my_adoptions"))


@bp.route("/adoptions/<int:adoption_id>/outcome/<int:milestone>", methods=["GET", "POST"])
@login_required
def outcome_form(adoption_id: int, milestone: int) -> ResponseReturnValue:
    """The 3- or 12-month outcome report: hours saved, cost, measures, still in use."""
    actor = current_account()
    adoption, report = outcome_services.reportable(actor, adoption_id, milestone, today())
    measures = measures_for(list(adoption.tool.functions))
    rates: dict[str, Decimal] = current_app.config["DX_RATES"]
    form = OutcomeForm()
    form.currency.choices = [SelectChoice(code, code) for code in sorted(rates)]
    typed: dict[str, str] = {}
    if request.method == "GET":
        if report is not None:
            form.hours_saved.data = str(report.hours_saved)
            form.monthly_cost.data = str(report.monthly_cost)
            form.currency.data = report.currency
            form.still_using.data = "yes" if report.still_using else "no"
            typed = {k: f"{v:g}" for k, v in (report.measures or {}).items()}
        else:
            form.currency.data = current_app.config["DX_BASE_CURRENCY"]
    else:
        typed = {m.key: request.form.get(f"m_{m.key}", "") for m in measures}
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        data = outcome_services.OutcomeInput(
            hours_saved=form.hours_saved.data,
            monthly_cost=form.monthly_cost.data,
            currency=form.currency.data,
            still_using=form.still_using.data == "yes",
            measures=typed,
        )
        try:
            outcome_services.save_report(
                actor, adoption_id, milestone, data, today=today(), rates=rates
            )
        except FieldProblem as problem:
            if problem.field.startswith("m_"):
                errors[problem.field[2:]] = str(problem.message)
            else:
                _field_error(form, problem)
        else:
            flash(_("Thank you: your report helps other companies judge this tool."), "success")
            return redirect(url_for("reviews.my_adoptions"))
    status = 422 if form.errors or errors else 200
    return render_template(
        "reviews/outcome_form.html",
        form=form,
        adoption=adoption,
        milestone=milestone,
        measures=measures,
        typed=typed,
        measure_errors=errors,
    ), status


@bp.post("/reviews/<int:review_id>/report")
@login_required
def report(review_id: int) -> ResponseReturnValue:
    """Anyone signed in reports a review with a reason."""
    review = services.visible_review(review_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.report(current_account(), review_id, form.reason.data)
        except FieldProblem as problem:
            _field_error(form, problem)
        else:
            flash(_("Thank you: an administrator will look at this review."), "success")
            return redirect(_tool_url(review.tool))
    return render_template("reviews/report.html", form=form, review=review), 422


@bp.post("/reviews/<int:review_id>/reply")
@role_required("vendor")
def reply(review_id: int) -> ResponseReturnValue:
    """The tool's vendor answers a review, once."""
    review = services.visible_review(review_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            services.reply(current_account(), review_id, form.body.data)
        except FieldProblem as problem:
            _field_error(form, problem)
        else:
            flash(_("Your reply is published under the review."), "success")
            return redirect(_tool_url(review.tool))
    else:
        services.require_replier(current_account(), review)
    return render_template("reviews/reply.html", form=form, review=review), 422


@bp.get("/admin/reviews")
@role_required("admin")
def moderation() -> ResponseReturnValue:
    """Reported reviews (most reported first) and hidden ones, to hide or show again."""
    reported, hidden = queries.moderation_queue()
    return render_template(
        "reviews/moderation.html", reported=reported, hidden=hidden, form=ReasonForm(formdata=None)
    )


@bp.post("/admin/reviews/<int:review_id>/<any(hide, unhide):action>")
@role_required("admin")
def moderate(review_id: int, action: str) -> ResponseReturnValue:
    """Hide a review or show it again, with a reason (written to the audit log)."""
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.moderate(
                current_account(), review_id, hide=action == "hide", reason=form.reason.data
            )
        except FieldProblem as problem:
            _field_error(form, problem)
        else:
            flash(_("Review hidden.") if action == "hide" else _("Review shown again."), "success")
            return redirect(url_for("reviews.moderation"))
    reported, hidden = queries.moderation_queue()
    if services.review_by_id(review_id) is None:
        raise NotFound("review")
    return render_template(
        "reviews/moderation.html",
        reported=reported,
        hidden=hidden,
        form=form,
        failed_id=review_id,
        failed_action=action,
    ), 422


def init_app(app: Flask) -> None:
    """Register the pages, the tool page section, and the search and recommender signals."""
    app.register_blueprint(bp)
    fraud_facts.register_detectors()
    app.add_template_global(tool_section.tool_feedback)
    app.extensions["dx_tool_ratings"] = queries.ratings_by_tool
    app.extensions["dx_outcome_hours"] = lambda: queries.hours_saved_by_section(
        app.config["DX_RATES"]
    )
