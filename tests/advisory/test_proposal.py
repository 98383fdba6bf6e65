"""The proposal document: in the client's language, the right figures and totals, and a PDF."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader

from dx_match.advisory import pdf
from dx_match.advisory.models import AdvisorClient, RecommendationSet, SetItem
from dx_match.extensions import db
from tests.advisory.conftest import Workspace

GRANT = {"zh-TW": "數位轉型補助", "ja": "デジタル化補助金", "en": "Digital grant"}
CRM = {"zh-TW": "雲端客戶管理", "ja": "クラウド顧客管理", "en": "Cloud CRM"}
CLIENT_NAMES = {"zh-TW": "林家咖啡", "ja": "山田商店", "en": "Baker & Sons"}


def crafted_set(ws: Workspace, locale: str, *, sent: bool = True) -> RecommendationSet:
    """A claimed client in `locale` with two tools (one subsidised), a subsidy and a course."""
    client = AdvisorClient(
        advisor_id=ws.advisor.id,
        name=CLIENT_NAMES[locale],
        locale=locale,
        contact_email="owner@example.com",
        organisation_id=ws.sme.organisation_id,
    )
    row = RecommendationSet(
        client=client,
        title="",
        cover_message="Dear client, **here** is our plan.",
        state="sent" if sent else "draft",
        currency="TWD",
        sent_at=datetime(2026, 11, 20, 9, 0) if sent else None,
    )
    row.items = [
        SetItem(
            position=0,
            item_kind="tool",
            item_slug="cloud-crm",
            note="Start with the CRM.",
            snapshot={
                "name": CRM,
                "currency": "TWD",
                "monthly_cost": "1000",
                "net_monthly_cost": "600",
                "subsidies": ["digi-grant"],
                "reasons": ["Fits a team of 5"],
            },
        ),
        SetItem(
            position=1,
            item_kind="tool",
            item_slug="plain-books",
            snapshot={
                "name": "PlainBooks",
                "currency": "TWD",
                "monthly_cost": "500",
                "net_monthly_cost": "500",
            },
        ),
        SetItem(
            position=2,
            item_kind="subsidy",
            item_slug="digi-grant",
            snapshot={"name": GRANT, "currency": "TWD", "estimated_amount": "4800"},
        ),
        SetItem(
            position=3,
            item_kind="course",
            item_slug="excel-basics",
            snapshot={"name": "Excel basics", "currency": "TWD", "price": "3000"},
        ),
    ]
    db.session.add(row)
    db.session.commit()
    return row


# The words the page is expected to use for "Total" and "after subsidy" in each language.
WORDS = {
    "zh-TW": ("合計", "補助後", "2026年11月20日"),
    "ja": ("合計", "補助後", "2026年11月20日"),
    "en": ("Total", "After subsidy", "November 20, 2026"),
}


@pytest.mark.parametrize("locale", ["zh-TW", "ja", "en"])
def test_the_proposal_is_in_the_clients_language_whatever_the_viewers(
    workspace: Workspace, locale: str
) -> None:
    row = crafted_set(workspace, locale)
    # Both viewers use the site in English.
    for url in (f"/advisor/sets/{row.id}/proposal?lang=en", f"/sets/{row.id}/proposal?lang=en"):
        client = workspace.advisor_client if url.startswith("/advisor") else workspace.sme_client
        response = client.get(url)
        assert response.status_code == 200, response.text
        html = response.text
        assert f'<html lang="{locale}">' in html
        assert response.headers["Content-Language"] == locale
        assert CLIENT_NAMES[locale].replace("&", "&amp;") in html
        assert CRM[locale] in html and GRANT[locale] in html  # names and subsidy names
        total, after, day = WORDS[locale]
        assert total in html and after in html and day in html
        assert "Start with the CRM." in html and "Fits a team of 5" in html
        assert "<strong>here</strong>" in html  # the cover message
        assert "written in the client&#39;s language" in html  # the note, in the viewer's language
        assert "@media print" in html and "size: A4" in html and "counter(page)" in html


def test_the_figures_and_totals_are_right(workspace: Workspace) -> None:
    row = crafted_set(workspace, "en")
    html = workspace.advisor_client.get(f"/advisor/sets/{row.id}/proposal").text
    # The subsidised tool: 1000 -> 600 a month, 12000 -> 7200 a year, the subsidy pays 400/4800.
    for figure in ("NT$1,000", "NT$600", "NT$12,000", "NT$7,200", "−NT$400", "−NT$4,800"):
        assert figure in html, figure
    totals = html[html.index('id="totals"') :]
    assert 'data-total="yearly">NT$18,000 per year' in totals
    assert 'data-total="net_yearly">NT$13,200 per year' in totals
    assert 'data-total="subsidies">NT$4,800' in totals
    assert 'data-total="courses">NT$3,000' in totals
    assert "<strong>NT$16,200</strong>" in totals  # 13,200 after subsidies + 3,000 of courses


def test_a_draft_has_a_proposal_for_the_advisor_but_not_for_the_client(
    workspace: Workspace,
) -> None:
    row = crafted_set(workspace, "en", sent=False)
    assert workspace.advisor_client.get(f"/advisor/sets/{row.id}/proposal").status_code == 200
    assert workspace.sme_client.get(f"/sets/{row.id}/proposal").status_code == 404


def test_other_advisors_and_other_smes_get_404(
    workspace: Workspace, app: Flask, make_user: Any
) -> None:
    from tests.conftest import AuthActions

    row = crafted_set(workspace, "ja")
    other_advisor, other_sme = app.test_client(), app.test_client()
    assert AuthActions(other_advisor).login(make_user("advisor")).status_code == 302
    assert AuthActions(other_sme).login(make_user("sme")).status_code == 302
    for suffix in ("proposal", "proposal.pdf"):
        assert other_advisor.get(f"/advisor/sets/{row.id}/{suffix}").status_code == 404
        assert other_sme.get(f"/sets/{row.id}/{suffix}").status_code == 404


@pytest.mark.parametrize("locale", ["zh-TW", "ja", "en"])
def test_the_pdf_has_the_clients_name_and_the_total(workspace: Workspace, locale: str) -> None:
    row = crafted_set(workspace, locale)
    response = workspace.sme_client.get(f"/sets/{row.id}/proposal.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert CLIENT_NAMES[locale] in text  # CJK text is embedded as text, not missing glyphs
    assert "16,200" in text
    assert len(reader.pages) >= 3  # cover, items, total: each section starts a page
    assert "1 / " in reader.pages[0].extract_text()  # page numbers in the footer


def test_without_a_pdf_renderer_the_link_leads_to_the_print_page(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(_html: str, _base: str) -> bytes:
        raise pdf.PdfUnavailable("no pango")

    monkeypatch.setattr("dx_match.advisory.views.render_pdf", unavailable)
    row = crafted_set(workspace, "zh-TW")
    response = workspace.advisor_client.get(f"/advisor/sets/{row.id}/proposal.pdf")
    assert response.status_code == 303
    assert response.location.endswith(f"/advisor/sets/{row.id}/proposal")
    page = workspace.advisor_client.get(response.location).text
    assert "PDF download is not available on this server" in page
    assert CLIENT_NAMES["zh-TW"] in page


def test_render_pdf_reports_a_missing_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    with pytest.raises(pdf.PdfUnavailable):
        pdf.render_pdf("<p>x</p>", "http://localhost/")
