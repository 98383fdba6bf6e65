"""The admins' signal queue and the vendors' "confirm prices are current" button.

Thin views: parse the form, call one service, render or redirect.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from dx_match.accounts.permissions import current_account, role_required
from dx_match.catalog.exchange import tool_written
from dx_match.catalog.models import Tool
from dx_match.errors import NotFound
from dx_match.listings.forms import ButtonForm
from dx_match.listings.models import ListingRevision
from dx_match.listings.services import ListingInvalid, listing_reviewed
from dx_match.trust import history, queries, services
from dx_match.trust.facts import Scope
from dx_match.trust.forms import DecisionForm
from dx_match.trust.freshness import is_stale
from dx_match.trust.reasons import detector_name, sentence

bp = Blueprint("trust", __name__)
log = logging.getLogger(__name__)


def _queue(status: int = 200, forms: dict[int, Any] | None = None) -> ResponseReturnValue:
    return render_template(
        "admin/signals.html",
        signals=queries.open_signals(),
        decided=queries.decided_signals(),
        forms=forms or {},
        new_form=lambda signal_id: DecisionForm(formdata=None, prefix=f"s{signal_id}"),
    ), status


@bp.get("/admin/signals")
@role_required("admin")
def signal_queue() -> ResponseReturnValue:
    """Open fraud-risk signals, highest score first, with their reasons."""
    return _queue()


@bp.post("/admin/signals/<int:signal_id>/decide")
@role_required("admin")
def decide(signal_id: int) -> ResponseReturnValue:
    """Dismiss a signal (with the reason) or record that action was taken (with a note)."""
    if queries.signal(signal_id) is None:
        raise NotFound("signal")
    form = DecisionForm(prefix=f"s{signal_id}")
    if not form.validate():
        if "csrf_token" in form.errors:
            abort(400)
        return _queue(422, {signal_id: form})
    try:
        services.decide(current_account(), signal_id, form.decision.data, form.note.data or "")
    except ListingInvalid as exc:
        form.note.errors = [m for _f, m in exc.problems]
        return _queue(422, {signal_id: form})
    flash(_("Decision saved."), "success")
    return redirect(url_for("trust.signal_queue"))


@bp.post("/dashboard/tool/<slug>/confirm-prices")
@role_required("vendor")
def confirm_prices(slug: str) -> ResponseReturnValue:
    """Stamp a published tool as verified today (nothing else changes, so no review)."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    services.confirm_prices(current_account(), slug, date.today())
    flash(
        _("Thank you: the prices of %(slug)s are marked as verified today.", slug=slug), "success"
    )
    return redirect(url_for("listings.dashboard"))


def _record_prices(tool: Tool, before: history.PlanPrices, source: str) -> None:
    history.record(tool, before, source, date.today())


def _rescan(revision: ListingRevision) -> None:
    # Cheap: the listing, the tools sharing its primary function, its vendor's revisions. The
    # review is already committed, so a failing scan must not turn it into an error page.
    tools = {revision.slug} if revision.kind == "tool" else set()
    try:
        services.scan(Scope(tools=tools, vendors={revision.vendor.slug}))
    except Exception:  # pragma: no cover - logged; `dx-match trust scan` catches up
        log.exception("trust scan after the review of %s %s failed", revision.kind, revision.slug)


def init_app(app: Flask) -> None:
    """The blueprint, the price-history and rescan listeners, and the template helpers."""
    app.register_blueprint(bp)
    tool_written.connect(_record_prices)
    listing_reviewed.connect(_rescan)
    app.jinja_env.globals.update(
        listing_is_stale=lambda verified_at: is_stale(verified_at, date.today()),
        trust_cautions=queries.cautions,
        price_history=history.history,
        signal_sentence=sentence,
        detector_name=detector_name,
    )
