"""Advisor workspace pages: the advisor's clients and sets; the SME's inbox of sets.

Thin views: parse, call one service, render or redirect. Every advisor page showing a
client's data writes an audit entry (services.record_access).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from dx_match.accounts.permissions import current_account, role_required
from dx_match.advisory import (
    calendar,
    curation,
    deadlines,
    documents,
    outcomes,
    queries,
    services,
    stages,
)
from dx_match.advisory.forms import (
    EVENT_LABELS,
    KIND_LABELS,
    LOCALE_LABELS,
    RESPONSE_LABELS,
    STAGE_LABELS,
    ClientForm,
    parse_day,
    parse_edit,
)
from dx_match.advisory.links import InvitationInvalid
from dx_match.advisory.models import AdvisorClient, RecommendationSet
from dx_match.advisory.pdf import PdfUnavailable, render_pdf
from dx_match.db import utcnow
from dx_match.errors import Conflict, ValidationFailed
from dx_match.i18n import ui_language
from dx_match.survey import queries as survey_queries
from dx_match.survey.views import DRAFT_KEY

bp = Blueprint("advisory", __name__)

STAGE_PROBLEMS = {
    "unknown_stage": _l("That stage does not exist for this item."),
    "not_forward": _l("An item only moves forward through its stages."),
    "future_date": _l("The date cannot be in the future."),
    "before_previous": _l("The date cannot be before the previous stage's date."),
}


def today() -> date:
    """Today's date (a seam for tests)."""
    return date.today()


def _actor() -> Any:
    actor = current_account()
    assert actor is not None
    return actor


@bp.app_template_global()
def snapshot_money(snapshot: dict[str, Any], key: str) -> str:
    """A price figure kept in a snapshot, in its currency ("" when there is none)."""
    from dx_match.templating import money

    value = snapshot.get(key)
    return money(Decimal(value), snapshot.get("currency") or "USD") if value else ""


@bp.app_template_global()
def deadline_summary(entry: calendar.Entry) -> str:
    """What a calendar entry is about, in the page's language."""
    return deadlines.summary(entry, ui_language())


@bp.context_processor
def labels() -> dict[str, Any]:
    """The workspace's translated labels."""
    return {
        "stage_labels": STAGE_LABELS,
        "response_labels": RESPONSE_LABELS,
        "kind_labels": KIND_LABELS,
        "event_labels": EVENT_LABELS,
        "locale_labels": LOCALE_LABELS,
    }


# -- advisor: clients ---------------------------------------------------------------------


def _render_clients(form: ClientForm, status: int = 200) -> ResponseReturnValue:
    rows = queries.clients_of(_actor().id)
    return render_template("advisory/clients.html", clients=rows, form=form), status


@bp.get("/advisor/clients")
@role_required("advisor")
def clients() -> ResponseReturnValue:
    """The advisor's dashboard: its clients and a form to add one."""
    return _render_clients(ClientForm())


@bp.post("/advisor/clients")
@role_required("advisor")
def add_client() -> ResponseReturnValue:
    """Create a client (and, with the second button, invite it at once)."""
    form = ClientForm()
    if not form.validate():
        return _render_clients(form, 422)
    wants_invite = "invite" in request.form
    if wants_invite and not form.contact_email.data:
        form.contact_email.errors = [_("Enter the e-mail address to send the invitation to.")]
        return _render_clients(form, 422)
    client = services.create_client(
        _actor(),
        name=form.name.data,
        contact_email=form.contact_email.data or "",
        locale=form.locale.data,
    )
    if wants_invite:
        services.invite(_actor(), client.id)
        flash(_("The client is added and the invitation is on its way."), "success")
    else:
        flash(_("The client is added."), "success")
    return redirect(url_for("advisory.client", client_id=client.id)), 303


@bp.get("/advisor/clients/<int:client_id>")
@role_required("advisor")
def client(client_id: int) -> ResponseReturnValue:
    """A client: profile history, recommendation sets, timeline."""
    actor = _actor()
    row = services.own_client(actor, client_id)
    services.record_access(actor, row, "client")
    row = services.own_client(actor, client_id)
    return render_template(
        "advisory/client.html",
        client=row,
        versions=queries.visible_versions(row),
        events=queries.visible_events(row),
        months=calendar.by_month(calendar.entries(deadlines.facts_for([row]), today())),
        today=today(),
    )


@bp.get("/advisor/calendar")
@role_required("advisor")
def calendar_page() -> ResponseReturnValue:
    """Deadlines of every client that has not revoked access, by month."""
    actor = _actor()
    clients = deadlines.own_active_clients(actor.id)
    services.record_calendar_access(actor, clients, "calendar")
    found = calendar.entries(deadlines.facts_for(clients), today())
    return render_template("advisory/calendar.html", months=calendar.by_month(found), today=today())


def _ics(found: list[calendar.Entry], filename: str) -> Response:
    body = deadlines.ics(found, ui_language(), request.host_url.rstrip("/"), utcnow())
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/advisor/calendar.ics")
@role_required("advisor")
def calendar_ics() -> ResponseReturnValue:
    """The advisor's calendar as an .ics file."""
    actor = _actor()
    clients = deadlines.own_active_clients(actor.id)
    services.record_calendar_access(actor, clients, "calendar.ics")
    return _ics(calendar.entries(deadlines.facts_for(clients), today()), "deadlines.ics")


@bp.get("/advisor/clients/<int:client_id>/calendar.ics")
@role_required("advisor")
def client_ics(client_id: int) -> ResponseReturnValue:
    """One client's deadlines as an .ics file (empty once the client revoked access)."""
    actor = _actor()
    row = services.own_client(actor, client_id)
    services.record_access(actor, row, "calendar.ics")
    row = services.own_client(actor, client_id)
    found = calendar.entries(deadlines.facts_for([row]), today())
    return _ics(found, f"client-{row.id}-deadlines.ics")


@bp.post("/advisor/clients/<int:client_id>/invite")
@role_required("advisor")
def invite(client_id: int) -> ResponseReturnValue:
    """Mail the client an invitation to claim it."""
    try:
        services.invite(_actor(), client_id)
    except ValidationFailed:
        flash(_("Add the client's e-mail address first."), "error")
    else:
        flash(_("The invitation is on its way."), "success")
    return redirect(url_for("advisory.client", client_id=client_id)), 303


@bp.post("/advisor/clients/<int:client_id>/survey")
@role_required("advisor")
def survey(client_id: int) -> ResponseReturnValue:
    """Fill the DX survey for the client (the survey's advisor mode)."""
    draft = services.start_survey(_actor(), client_id)
    session[DRAFT_KEY] = draft.key
    return redirect(url_for("survey.step", number=1)), 303


@bp.post("/advisor/clients/<int:client_id>/sets")
@role_required("advisor")
def new_set(client_id: int) -> ResponseReturnValue:
    """Start a set from the recommender's proposal for the client's current profile."""
    try:
        row = curation.new_set(_actor(), client_id, today())
    except services.AccessRevoked:
        raise
    except Conflict:
        flash(_("Fill in the survey for this client first."), "error")
        return redirect(url_for("advisory.client", client_id=client_id)), 303
    return redirect(url_for("advisory.set_page", set_id=row.id)), 303


# -- advisor: sets ------------------------------------------------------------------------


def _render_editor(
    row: RecommendationSet, typed: dict[str, Any] | None = None, status: int = 200
) -> ResponseReturnValue:
    q = request.args.get("q", "")
    results = queries.search_items(q, ui_language()) if q else []
    return (
        render_template("advisory/editor.html", set=row, typed=typed or {}, q=q, results=results),
        status,
    )


@bp.get("/advisor/sets/<int:set_id>")
@role_required("advisor")
def set_page(set_id: int) -> ResponseReturnValue:
    """The editor of a draft, or the follow-up of a sent set."""
    actor = _actor()
    row = curation.advisor_set(actor, set_id)
    services.record_access(actor, row.client, "set", row.id)
    row = curation.advisor_set(actor, set_id)
    if row.state == "draft":
        return _render_editor(row)
    return render_template(
        "advisory/followup.html",
        set=row,
        cutoff=row.client.revoked_at,
        next_stages={i.id: stages.next_stages(i.item_kind, i.stage) for i in row.items},
        warnings=deadlines.contract_warnings(row.client),
        today=today(),
    )


@bp.post("/advisor/sets/<int:set_id>")
@role_required("advisor")
def save_set(set_id: int) -> ResponseReturnValue:
    """Save the editor (the autosave script posts here too and gets JSON back)."""
    edit = parse_edit(request.form)
    autosave = request.headers.get("X-Autosave") == "1"
    try:
        row = curation.save(_actor(), set_id, edit, today())
    except curation.StaleSet:
        if autosave:
            return jsonify(error="stale"), 409
        row = curation.advisor_set(_actor(), set_id)
        typed = {"title": edit.title, "cover_message": edit.cover_message, "notes": edit.notes}
        flash(
            _(
                "This set was changed in another window. Your text is kept below; save again "
                "to replace the other change."
            ),
            "error",
        )
        return _render_editor(row, typed, 409)
    except ValidationFailed:
        flash(_("That item could not be added."), "error")
        return redirect(url_for("advisory.set_page", set_id=set_id)), 303
    if autosave:
        return jsonify(version=row.edit_version)
    if "search" in request.form:
        q = request.form.get("q", "")
        return redirect(url_for("advisory.set_page", set_id=set_id, q=q) + "#add"), 303
    flash(_("Draft saved."), "success")
    return redirect(url_for("advisory.set_page", set_id=set_id)), 303


@bp.get("/advisor/sets/<int:set_id>/preview")
@role_required("advisor")
def preview(set_id: int) -> ResponseReturnValue:
    """The set exactly as the client will see it."""
    actor = _actor()
    row = curation.advisor_set(actor, set_id)
    services.record_access(actor, row.client, "preview", row.id)
    row = curation.advisor_set(actor, set_id)
    return render_template(
        "advisory/sme_set.html",
        set=row,
        preview=True,
        problems={},
        warnings=deadlines.contract_warnings(row.client),
    )


@bp.post("/advisor/sets/<int:set_id>/send")
@role_required("advisor")
def send(set_id: int) -> ResponseReturnValue:
    """Freeze the set and mail the client."""
    try:
        curation.send(_actor(), set_id)
    except ValidationFailed as failed:
        if "contact_email" in failed.problems:
            flash(_("Add the client's e-mail address before sending."), "error")
        else:
            flash(_("Add at least one item before sending."), "error")
        return redirect(url_for("advisory.set_page", set_id=set_id)), 303
    flash(_("The set is sent to the client."), "success")
    return redirect(url_for("advisory.set_page", set_id=set_id)), 303


@bp.post("/advisor/sets/<int:set_id>/items/<int:item_id>/stage")
@role_required("advisor")
def stage(set_id: int, item_id: int) -> ResponseReturnValue:
    """Move an item to a later follow-up stage on a date."""
    day = parse_day(request.form.get("on", ""), today())
    target = request.form.get("stage", "")
    if day is None:
        curation.advisor_set(_actor(), set_id)  # others' sets stay 404
        flash(_("Enter the date as YYYY-MM-DD."), "error")
    else:
        try:
            curation.move_stage(_actor(), set_id, item_id, target=target, on=day, today=today())
        except stages.StageRefused as refused:
            flash(str(STAGE_PROBLEMS[refused.code]), "error")
        else:
            flash(_("The stage is recorded."), "success")
    return redirect(url_for("advisory.set_page", set_id=set_id) + f"#item-{item_id}"), 303


# -- the proposal document and its PDF --------------------------------------------------------


def _proposal_page(row: RecommendationSet, *, advisor: bool) -> ResponseReturnValue:
    html = documents.render_proposal(row, viewer_is_advisor=advisor, for_pdf=False)
    return html, 200, {"Content-Language": row.client.locale}


def _proposal_pdf(row: RecommendationSet, *, advisor: bool, page: str) -> ResponseReturnValue:
    html = documents.render_proposal(row, viewer_is_advisor=advisor, for_pdf=True)
    try:
        pdf = render_pdf(html, request.url_root)
    except PdfUnavailable:
        flash(
            _(
                "PDF download is not available on this server. Use your browser's Print "
                'command and choose "Save as PDF" instead.'
            ),
            "error",
        )
        return redirect(url_for(page, set_id=row.id)), 303
    filename = f"proposal-{row.id}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Language": row.client.locale,
        },
    )


@bp.get("/advisor/sets/<int:set_id>/proposal")
@role_required("advisor")
def proposal(set_id: int) -> ResponseReturnValue:
    """The set as a print-ready proposal in the client's language."""
    actor = _actor()
    row = curation.advisor_set(actor, set_id)
    services.record_access(actor, row.client, "proposal", row.id)
    return _proposal_page(curation.advisor_set(actor, set_id), advisor=True)


@bp.get("/advisor/sets/<int:set_id>/proposal.pdf")
@role_required("advisor")
def proposal_pdf(set_id: int) -> ResponseReturnValue:
    """The proposal as a PDF download (the print page when this server cannot make PDF)."""
    actor = _actor()
    row = curation.advisor_set(actor, set_id)
    services.record_access(actor, row.client, "proposal", row.id)
    row = curation.advisor_set(actor, set_id)
    return _proposal_pdf(row, advisor=True, page="advisory.proposal")


@bp.get("/sets/<int:set_id>/proposal")
@role_required("sme")
def sme_proposal(set_id: int) -> ResponseReturnValue:
    """A sent set as a print-ready proposal."""
    return _proposal_page(curation.sme_set(_actor(), set_id), advisor=False)


@bp.get("/sets/<int:set_id>/proposal.pdf")
@role_required("sme")
def sme_proposal_pdf(set_id: int) -> ResponseReturnValue:
    """A sent set's proposal as a PDF download."""
    row = curation.sme_set(_actor(), set_id)
    return _proposal_pdf(row, advisor=False, page="advisory.sme_proposal")


# -- outcome numbers ------------------------------------------------------------------------


@bp.get("/advisor/outcomes")
@role_required("advisor")
def outcomes_page() -> ResponseReturnValue:
    """The advisor's own outcome numbers, with monthly charts and their tables."""
    result = outcomes.outcomes_of(_actor(), today())
    return render_template("advisory/outcomes.html", result=result, chart=outcomes.chart(result))


@bp.get("/advisor/outcomes.csv")
@role_required("advisor")
def outcomes_csv() -> ResponseReturnValue:
    """The advisor's monthly numbers as CSV."""
    result = outcomes.outcomes_of(_actor(), today())
    return Response(
        documents.outcomes_csv(result),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="advisor-outcomes.csv"'},
    )


@bp.get("/admin/advisor-outcomes")
@role_required("admin")
def admin_outcomes() -> ResponseReturnValue:
    """Every advisor's numbers side by side."""
    return render_template("advisory/admin_outcomes.html", rows=outcomes.all_advisors(today()))


@bp.post("/advisor/sets/<int:set_id>/items/<int:item_id>/contract")
@role_required("advisor")
def contract(set_id: int, item_id: int) -> ResponseReturnValue:
    """Record (or clear) the day the client plans to sign for a tool."""
    typed = request.form.get("contract_planned_on", "").strip()
    try:
        day = date.fromisoformat(typed) if typed else None
    except ValueError:
        curation.advisor_set(_actor(), set_id)  # others' sets stay 404
        flash(_("Enter the date as YYYY-MM-DD (you typed %(typed)s).", typed=typed), "error")
    else:
        try:
            curation.plan_contract(_actor(), set_id, item_id, day)
        except ValidationFailed:
            flash(_("Only a tool has a contract date."), "error")
        else:
            flash(_("The planned contract date is recorded."), "success")
    return redirect(url_for("advisory.set_page", set_id=set_id) + f"#item-{item_id}"), 303


# -- the SME's side -----------------------------------------------------------------------


@bp.route("/clients/claim/<token>", methods=["GET", "POST"])
def claim(token: str) -> ResponseReturnValue:
    """An invitation link: log in or register as the company, then claim with the button."""
    actor = current_account()
    try:
        row = services.invitation(token)
    except InvitationInvalid:
        return render_template("advisory/claim.html", client=None), 404
    if request.method == "GET" or actor is None:
        if request.method == "POST":
            return redirect(url_for("accounts.login", next=request.path))
        return render_template("advisory/claim.html", client=row, actor=actor)
    claimed = services.claim(actor, token)
    flash(_("%(name)s is linked to your company.", name=claimed.name), "success")
    return redirect(url_for("advisory.sme_inbox")), 303


@bp.get("/sets")
@role_required("sme")
def sme_inbox() -> ResponseReturnValue:
    """Recommendation sets from advisors, the system's own, and who has access."""
    actor = _actor()
    org = actor.organisation_id
    return render_template(
        "advisory/sme_inbox.html",
        sets=queries.sets_for_organisation(org) if org else [],
        advisors=queries.advisors_of(org) if org else [],
        profiles=survey_queries.profiles_of(actor.id, org) if org else [],
    )


def _render_sme_set(
    row: RecommendationSet, problems: dict[int, str] | None = None, status: int = 200
) -> ResponseReturnValue:
    return (
        render_template(
            "advisory/sme_set.html",
            set=row,
            preview=False,
            problems=problems or {},
            warnings=deadlines.contract_warnings(row.client),
        ),
        status,
    )


@bp.get("/sets/<int:set_id>")
@role_required("sme")
def sme_set(set_id: int) -> ResponseReturnValue:
    """One set: items with their notes; answer each one."""
    actor = _actor()
    row = curation.sme_set(actor, set_id)
    curation.mark_viewed(actor, row)
    return _render_sme_set(curation.sme_set(actor, set_id))


@bp.post("/sets/<int:set_id>/items/<int:item_id>/respond")
@role_required("sme")
def respond(set_id: int, item_id: int) -> ResponseReturnValue:
    """Interested, or not relevant with a reason."""
    response = request.form.get("response", "")
    reason = request.form.get("reason", "")
    try:
        curation.respond(_actor(), set_id, item_id, response, reason)
    except ValidationFailed as failed:
        row = curation.sme_set(_actor(), set_id)
        message = (
            _("Say why it is not relevant: your advisor and the recommender learn from it.")
            if "reason" in failed.problems
            else _("Choose interested or not relevant.")
        )
        return _render_sme_set(row, {item_id: message}, 422)
    flash(_("Thank you: your answer is recorded."), "success")
    return redirect(url_for("advisory.sme_set", set_id=set_id) + f"#item-{item_id}"), 303


@bp.post("/sets/advisors/<int:client_id>/revoke")
@role_required("sme")
def revoke(client_id: int) -> ResponseReturnValue:
    """End an advisor's access to the company's data."""
    row: AdvisorClient = services.revoke(_actor(), client_id)
    flash(_("The advisor's access is revoked."), "success")
    return redirect(url_for("advisory.sme_inbox", revoked=row.id)), 303


def _link_profile(_app: Flask, profile: Any, actor: Any, draft: Any, **_extra: Any) -> None:
    services.link_saved_profile(profile, actor, draft)


def init_app(app: Flask) -> None:
    """Register the pages and the survey hook that links a client's saved profile."""
    from dx_match.survey.services import profile_saved

    app.register_blueprint(bp)
    profile_saved.connect(_link_profile, app)
