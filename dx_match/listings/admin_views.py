"""Admin pages for the catalog's reference data: taxonomy terms and subsidies."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from dx_match.accounts.permissions import current_account, role_required
from dx_match.listings import catalog_admin
from dx_match.listings.formdata import form_to_row, row_to_data, show_problems
from dx_match.listings.forms import TEXT_LANGUAGES, SubsidyForm, TermForm
from dx_match.listings.models import NEW_BASE
from dx_match.listings.services import ListingInvalid, StaleEdit

bp = Blueprint("catalog_admin", __name__)


def _refuse_bad_token(form: Any) -> None:
    if "csrf_token" in form.errors:
        abort(400, _("The form expired; reload the page and try again."))


@bp.route("/admin/taxonomy", methods=["GET", "POST"])
@role_required("admin")
def taxonomy() -> ResponseReturnValue:
    """The added taxonomy terms, and a form to add one with its three labels."""
    form = TermForm()
    status = 200
    unplaced: list[str] = []
    if form.is_submitted():
        if form.validate():
            name = {
                tag: getattr(form, f"name_{suffix}").data.strip()
                for tag, suffix in TEXT_LANGUAGES
                if (getattr(form, f"name_{suffix}").data or "").strip()
            }
            raw = {
                "code": form.code.data or None,
                "parent": form.parent.data or None,
                "name": name or None,
            }
            try:
                term = catalog_admin.add_term(
                    current_account(), form.kind.data, {k: v for k, v in raw.items() if v}
                )
            except ListingInvalid as exc:
                for field, message in exc.problems:
                    target = getattr(form, "name_en" if field == "name" else field, None)
                    if target is None:
                        unplaced.append(f"{field}: {message}")
                    else:
                        target.errors = [*target.errors, message]
            else:
                flash(_("Added %(code)s.", code=term.code), "success")
                return redirect(url_for("catalog_admin.taxonomy"))
        _refuse_bad_token(form)
        status = 422
    return render_template(
        "admin/taxonomy.html", form=form, terms=catalog_admin.extra_terms(), unplaced=unplaced
    ), status


@bp.get("/admin/subsidies")
@role_required("admin")
def subsidies() -> ResponseReturnValue:
    """Every subsidy with its freshness stamp, least recently verified first."""
    return render_template("admin/subsidies.html", subsidies=catalog_admin.subsidies())


def _subsidy_form(slug: str | None) -> ResponseReturnValue:
    form = SubsidyForm()
    if not form.is_submitted():
        row = catalog_admin.subsidy_form_row(slug) if slug else {}
        if row is None:
            abort(404)
        found = catalog_admin.subsidy(slug) if slug else None
        form = SubsidyForm(
            formdata=None,
            data=row_to_data("subsidy", row)
            | {
                "base": catalog_admin.subsidy_base(slug),
                "contract_after_grant": bool(found and found.contract_after_grant),
            },
        )
        return render_template("admin/subsidy_form.html", form=form, slug=slug)
    if not form.validate():
        _refuse_bad_token(form)
        return render_template("admin/subsidy_form.html", form=form, slug=slug), 422
    row, _kept = form_to_row("subsidy", form)
    try:
        found = catalog_admin.save_subsidy(
            current_account(),
            row,
            base=form.base.data or NEW_BASE,
            slug=slug,
            contract_after_grant=bool(form.contract_after_grant.data),
        )
    except ListingInvalid as exc:
        unplaced = show_problems("subsidy", form, exc.problems, [])
        return render_template(
            "admin/subsidy_form.html", form=form, slug=slug, unplaced=unplaced
        ), 422
    except StaleEdit as exc:
        form.base.data = exc.current
        return render_template(
            "admin/subsidy_form.html", form=form, slug=slug, conflict=str(exc)
        ), 409
    flash(_("Saved %(slug)s.", slug=found.slug), "success")
    return redirect(url_for("catalog_admin.subsidies"))


@bp.route("/admin/subsidies/new", methods=["GET", "POST"])
@role_required("admin")
def new_subsidy() -> ResponseReturnValue:
    """A new subsidy programme."""
    return _subsidy_form(None)


@bp.route("/admin/subsidies/<slug>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_subsidy(slug: str) -> ResponseReturnValue:
    """Edit a subsidy programme (and stamp when it was verified)."""
    if catalog_admin.subsidy(slug) is None:
        abort(404)
    return _subsidy_form(slug)
