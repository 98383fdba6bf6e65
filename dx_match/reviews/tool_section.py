"""What the tool page's "Ratings and outcomes" section shows (a template global)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app, request
from flask_babel import gettext as _

from dx_match.accounts.models import User
from dx_match.accounts.permissions import current_account
from dx_match.catalog.models import Tool
from dx_match.catalog.pricing import convert
from dx_match.i18n import viewer_currency
from dx_match.inquiries.queries import owned_vendor_id
from dx_match.reviews import queries
from dx_match.reviews.adoptions import adoption_of
from dx_match.reviews.aggregates import SIZE_BANDS, Group, GroupKey, RatingSummary
from dx_match.reviews.charts import HChart, hbar_chart
from dx_match.reviews.forms import AdoptionForm, ReasonForm, ReplyForm
from dx_match.reviews.models import Adoption, Review
from dx_match.reviews.outcomes import measures_for
from dx_match.templating import term_label

BAND_ORDER = {label: n for n, (_bound, label) in enumerate(SIZE_BANDS)}


@dataclass
class OutcomeRow:
    """One group's figures, labelled, with the sentence that says them."""

    label: str
    sentence: str
    group: Group
    monthly_cost: Decimal | None
    still_using: float | None


@dataclass
class ToolFeedback:
    """Ratings summary, a page of reviews, outcome groups, and what the viewer may do."""

    ratings: RatingSummary
    reviews: list[Review]
    page: int
    pages: int
    outcomes: list[OutcomeRow] = field(default_factory=list)
    chart: HChart | None = None
    measures: list[tuple[str, str, float]] = field(default_factory=list)  # key, label, median
    adoption: Adoption | None = None
    own_review: Review | None = None
    can_reply: bool = False
    signed_in: bool = False
    is_sme: bool = False
    currency: str = "USD"
    adoption_form: AdoptionForm | None = None
    report_form: ReasonForm | None = None
    reply_form: ReplyForm | None = None


def band_label(band: str) -> str:
    """'10-29' -> '10–29 staff' in the viewer's language."""
    return str(_("%(band)s staff", band=band.replace("-", "–")))


def group_label(key: GroupKey) -> str:
    """Who a group is: all adopters, an industry, a size band, or both."""
    if key.section and key.band:
        return f"{term_label('industries', key.section)} · {band_label(key.band)}"
    if key.section:
        return term_label("industries", key.section)
    if key.band:
        return band_label(key.band)
    return str(_("All adopters"))


def sentence(key: GroupKey, hours: float) -> str:
    """'Restaurants of 10–30 staff report a median of 12 hours saved a month.'"""
    shown = f"{hours:g}"
    if key.section and key.band:
        return str(
            _(
                "%(industry)s companies of %(band)s report a median of %(hours)s hours saved"
                " a month.",
                industry=term_label("industries", key.section),
                band=band_label(key.band),
                hours=shown,
            )
        )
    if key.section:
        return str(
            _(
                "%(industry)s companies report a median of %(hours)s hours saved a month.",
                industry=term_label("industries", key.section),
                hours=shown,
            )
        )
    if key.band:
        return str(
            _(
                "Companies of %(band)s report a median of %(hours)s hours saved a month.",
                band=band_label(key.band),
                hours=shown,
            )
        )
    return str(_("Adopters report a median of %(hours)s hours saved a month.", hours=shown))


def _order(key: GroupKey) -> tuple[int, str, int]:
    kind = (key.section is not None) * 1 + (key.band is not None) * 2
    return (kind, key.section or "", BAND_ORDER.get(key.band or "", -1))


def _outcomes(tool: Tool, currency: str) -> tuple[list[OutcomeRow], list[tuple[str, str, float]]]:
    rates: dict[str, Decimal] = current_app.config["DX_RATES"]
    found = queries.tool_outcomes(tool.id, rates)
    rows: list[OutcomeRow] = []
    for key in sorted(found, key=_order):
        group = found[key]
        if "hours_saved" not in group.medians:
            continue
        cost = group.medians.get("monthly_cost")
        converted = None
        if cost is not None and currency in rates:
            converted = convert(Decimal(str(cost)), "USD", currency, rates).quantize(Decimal(1))
        rows.append(
            OutcomeRow(
                group_label(key),
                sentence(key, group.medians["hours_saved"]),
                group,
                converted,
                group.means.get("still_using"),
            )
        )
    measures: list[tuple[str, str, float]] = []
    overall = found.get(GroupKey())
    if overall is not None:
        for measure in measures_for(list(tool.functions)):
            if measure.key in overall.medians:
                measures.append((measure.key, str(measure.label), overall.medians[measure.key]))
    return rows, measures


def tool_feedback(tool: Tool) -> ToolFeedback:
    """Everything the tool page's ratings section needs, for the current viewer."""
    page = request.args.get("rpage", "1")
    reviews, pages = queries.tool_reviews(tool.id, int(page) if page.isdigit() else 1)
    currency = viewer_currency()
    outcomes, measures = _outcomes(tool, currency)
    chart = None
    if outcomes:
        chart = hbar_chart([(row.label, row.group.medians["hours_saved"]) for row in outcomes])
    feedback = ToolFeedback(
        ratings=queries.tool_ratings(tool.id),
        reviews=reviews,
        page=min(max(int(page) if page.isdigit() else 1, 1), pages),
        pages=pages,
        outcomes=outcomes,
        chart=chart,
        measures=measures,
        currency=currency,
    )
    actor: User | None = current_account()
    if actor is not None:
        feedback.signed_in = True
        feedback.report_form = ReasonForm(formdata=None)
        if actor.role == "sme" and actor.organisation_id is not None:
            feedback.is_sme = True
            feedback.adoption = adoption_of(actor.organisation_id, tool.id)
            feedback.adoption_form = AdoptionForm(formdata=None)
            feedback.own_review = next(
                (r for r in queries.own_review(actor.organisation_id, tool.id)), None
            )
        if owned_vendor_id(actor) == tool.vendor_id:
            feedback.can_reply = True
            feedback.reply_form = ReplyForm(formdata=None)
    return feedback
