"""Survey pages: the multi-step questionnaire, a profile's recommendations, its history.

Thin views: the answers of a step are saved as typed before they are checked, so nothing is
lost; the last step runs the recommender's own profile rules and shows their problems on the
fields they name.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import user_logged_in
from werkzeug.datastructures import MultiDict

from dx_match.accounts.models import User
from dx_match.accounts.permissions import current_account, login_required
from dx_match.catalog.models import Course, Subsidy
from dx_match.i18n import ui_language
from dx_match.recommend.models import ITEM_KINDS
from dx_match.recommend.profile import ProfileInvalid
from dx_match.recommend.service import recommend_service
from dx_match.survey import queries, radar, services
from dx_match.survey.answers import (
    FIELD_STEP,
    Answers,
    differences,
    first,
    problem_field,
    profile_from_answers,
)
from dx_match.survey.choices import default_currency, survey_choices
from dx_match.survey.forms import STEPS, StepForm, SurveyChoices
from dx_match.survey.models import SurveyDraft
from dx_match.taxonomy.codes import FUNCTION_GROUPS

bp = Blueprint("survey", __name__)

#: Session key of the visitor's draft (the session cookie is signed).
DRAFT_KEY = "survey_draft"
#: Same-industry profiles needed before their average is shown (fewer would identify them).
MIN_PEERS = 5
FEEDBACK_SIGNALS = ("accept", "dismiss")


def _draft(create: bool) -> SurveyDraft | None:
    draft = queries.draft_by_key(session.get(DRAFT_KEY))
    if draft is None and create:
        draft = services.start_draft(current_account())
        session[DRAFT_KEY] = draft.key
    return draft


def _form(number: int, choices: SurveyChoices, answers: Answers | None) -> StepForm:
    """A step's form from the request (answers None) or from saved answers."""
    cls = STEPS[number - 1].form
    if answers is None:
        form = cls()
    else:
        data = MultiDict([(k, v) for k, values in answers.items() for v in values])
        form = cls(formdata=data, meta={"csrf": False})
    form.fill(choices)
    return form


def _field_names(form: StepForm) -> list[str]:
    return [name for name in form._fields if name != "csrf_token"]


def _render_step(
    number: int, form: StepForm, draft: SurveyDraft, status: int = 200
) -> ResponseReturnValue:
    return (
        render_template(
            "survey/step.html",
            step=STEPS[number - 1],
            steps=STEPS,
            form=form,
            draft=draft,
        ),
        status,
    )


@bp.get("/survey/")
def start() -> ResponseReturnValue:
    """What the survey is, a button to start (advisors name their client), one's profiles."""
    actor = current_account()
    profiles = queries.profiles_of(actor.id, actor.organisation_id) if actor else []
    return render_template(
        "survey/start.html", draft=_draft(create=False), profiles=profiles, actor=actor
    )


@bp.post("/survey/start")
def begin() -> ResponseReturnValue:
    """Start a fresh questionnaire (the previous draft is left behind)."""
    draft = services.start_draft(current_account(), client_name=request.form.get("client_name"))
    session[DRAFT_KEY] = draft.key
    return redirect(url_for("survey.step", number=1))


@bp.route("/survey/step/<int:number>", methods=["GET", "POST"])
def step(number: int) -> ResponseReturnValue:
    """One step: Back keeps the answers as typed, Next checks this step, the last one saves."""
    if not 1 <= number <= len(STEPS):
        abort(404)
    draft = _draft(create=True)
    assert draft is not None
    choices = survey_choices(ui_language())
    if request.method == "GET":
        names = _field_names(STEPS[number - 1].form())
        answers = {k: v for k, v in draft.answers.items() if k in names}
        if number == FIELD_STEP["currency"] and not first(answers, "currency"):
            answers["currency"] = [default_currency(first(draft.answers, "country"))]
        form = _form(number, choices, answers or None)
        return _render_step(number, form, draft)
    form = _form(number, choices, None)
    services.save_answers(draft, {name: request.form.getlist(name) for name in _field_names(form)})
    if "back" in request.form:
        return redirect(url_for("survey.step", number=max(number - 1, 1)))
    if not form.validate():
        return _render_step(number, form, draft, 422)
    if number < len(STEPS):
        return redirect(url_for("survey.step", number=number + 1))
    return _finish(draft, choices)


def _finish(draft: SurveyDraft, choices: SurveyChoices) -> ResponseReturnValue:
    """Check every step again, then the profile rules; save, or show the first problem."""
    answers = draft.answers
    for step_ in STEPS:
        form = _form(step_.number, choices, answers)
        if not form.validate():
            return _render_step(step_.number, form, draft, 422)
    try:
        profile = recommend_service().parse(profile_from_answers(answers))
    except ProfileInvalid as invalid:
        return _show_problems(draft, choices, invalid.problems)
    saved = services.finish(current_account(), draft, profile)
    flash(_("Your answers are saved."), "success")
    return redirect(url_for("survey.result", profile_id=saved.id))


def _show_problems(
    draft: SurveyDraft, choices: SurveyChoices, problems: list[tuple[str, str]]
) -> ResponseReturnValue:
    placed = [(*problem_field(name, draft.answers), message) for name, message in problems]
    number = min(step_number for step_number, _field, _message in placed)
    form = _form(number, choices, draft.answers)
    for step_number, field_name, message in placed:
        if step_number != number:
            continue
        field = form._fields.get(field_name)
        if field is None:
            flash(message, "error")
        else:
            field.errors = [*field.errors, message]
    return _render_step(number, form, draft, 422)


@bp.get("/profiles/<int:profile_id>")
def result(profile_id: int) -> ResponseReturnValue:
    """A profile's maturity chart and recommendations."""
    actor = current_account()
    profile = services.viewable_profile(actor, profile_id, session.get(DRAFT_KEY))
    data = profile.current.data
    service = recommend_service()
    try:
        parsed = service.parse(data)
    except ProfileInvalid as invalid:
        # The taxonomy or the rates changed since it was saved: say so, offer to edit.
        return render_template("survey/stale.html", profile=profile, problems=invalid.problems)
    recommendation = service.recommend(parsed, today=date.today(), lang=ui_language())
    outcome = recommendation.result
    subsidy_slugs = {v.slug for v in outcome.verdicts}
    course_slugs = {b.course for b in outcome.bundles if b.course} | {
        c.course.slug for c in outcome.courses
    }
    peers = queries.peer_maturity(profile.industry_section, profile.id)
    average = radar.average(peers, FUNCTION_GROUPS) if len(peers) >= MIN_PEERS else None
    maturity = dict(parsed.maturity)
    return render_template(
        "survey/result.html",
        profile=profile,
        data=data,
        rec=recommendation,
        subsidy_names=queries.titles(Subsidy, Subsidy.name, subsidy_slugs),
        course_names=queries.titles(Course, Course.title, course_slugs),
        tool_names={t.tool.slug: t.tool.name for t in outcome.tools},
        eligible={s.subsidy.slug for s in outcome.subsidies},
        chart=_chart(maturity, average),
        average=average,
        peer_count=len(peers),
        field_step=FIELD_STEP,
        can_react=actor is not None and services.can_view(actor, profile, None),
        is_visitor=profile.visitor_key is not None,
    )


def _chart(maturity: dict[str, int], average: dict[str, float] | None) -> dict[str, Any]:
    groups = list(FUNCTION_GROUPS)
    return {
        "size": radar.SIZE,
        "axes": radar.axes(groups),
        "rings": radar.rings(groups),
        "profile": radar.polygon(groups, maturity),
        "average": radar.polygon(groups, average) if average else None,
        "maturity": maturity,
    }


@bp.get("/profiles/<int:profile_id>/history")
def history(profile_id: int) -> ResponseReturnValue:
    """Every version of a profile with what changed in it."""
    profile = services.viewable_profile(current_account(), profile_id, session.get(DRAFT_KEY))
    rows = []
    previous: dict[str, Any] = {}
    for version in profile.versions:
        rows.append((version, differences(previous, version.data)))
        previous = version.data
    return render_template("survey/history.html", profile=profile, rows=list(reversed(rows)))


@bp.post("/profiles/<int:profile_id>/edit")
def edit(profile_id: int) -> ResponseReturnValue:
    """Open a profile in the questionnaire (at a given step); finishing saves a new version."""
    key = session.get(DRAFT_KEY)
    profile = services.viewable_profile(current_account(), profile_id, key)
    draft = queries.draft_by_key(key)
    if draft is None or draft.profile_id != profile.id:
        draft = services.start_draft(current_account(), profile_id=profile.id)
        session[DRAFT_KEY] = draft.key
    number = request.form.get("step", type=int) or 1
    return redirect(url_for("survey.step", number=min(max(number, 1), len(STEPS))))


@bp.post("/profiles/<int:profile_id>/feedback")
@login_required
def feedback(profile_id: int) -> ResponseReturnValue:
    """Accept / Not relevant on one recommended item."""
    actor = current_account()
    assert actor is not None
    kind, slug, signal = (request.form.get(n, "") for n in ("item_kind", "item_slug", "signal"))
    if kind not in ITEM_KINDS or signal not in FEEDBACK_SIGNALS or not slug:
        services.viewable_profile(actor, profile_id, None)  # others' profiles stay 404
        flash(_("That reaction could not be recorded."), "error")
        return redirect(url_for("survey.result", profile_id=profile_id)), 303
    services.give_feedback(actor, profile_id, item_kind=kind, item_slug=slug, signal=signal)
    flash(_("Thank you: your reaction is recorded."), "success")
    return redirect(url_for("survey.result", profile_id=profile_id) + f"#{kind}-{slug}"), 303


def _claim_on_login(_app: Flask, user: User, **_extra: Any) -> None:
    """A visitor's survey becomes the organisation's profile when they log in."""
    key = session.get(DRAFT_KEY)
    if key:
        services.claim_visitor_profile(user, key)


def init_app(app: Flask) -> None:
    """Register the blueprint and the log-in hook."""
    app.register_blueprint(bp)
    user_logged_in.connect(_claim_on_login, app)
