"""Issue 4's whole chain through the pages: a vendor lists a tool, an admin approves it, an SME
finds it by search on the /tools page, asks for a quote, and the vendor answers from its inbox."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from dx_match.extensions import db
from dx_match.inquiries.models import Inquiry
from dx_match.listings.models import ListingRevision
from dx_match.search.service import SearchService
from tests.conftest import AuthActions
from tests.listings.conftest import tool_form


def _signed_in(app: Flask, user: object) -> FlaskClient:
    client = app.test_client()
    assert AuthActions(client).login(user).status_code == 302
    return client


def test_vendor_review_published_searchable_inquiry_answered(  # type: ignore[no-untyped-def]
    app: Flask, *, vendor_user, admin_user, make_user, outbox, search_sandbox: SearchService
) -> None:
    vendor = _signed_in(app, vendor_user)
    created = vendor.post("/dashboard/tool/new", data=tool_form("numbat-ledger", submit="1"))
    assert created.status_code == 302
    revision = db.session.scalars(
        sa.select(ListingRevision).where(ListingRevision.slug == "numbat-ledger")
    ).one()

    admin = _signed_in(app, admin_user)
    assert admin.post(f"/admin/moderation/{revision.id}/approve").status_code == 302
    search_sandbox.drain()  # what the indexer does after the commit

    sme = make_user("sme", locale="ja")
    asker = _signed_in(app, sme)
    results = asker.get("/tools", query_string={"q": "Quokka Books", "lang": "ja"})
    assert 'href="/tools/numbat-ledger"' in results.get_data(as_text=True)
    page = asker.get("/tools/numbat-ledger").get_data(as_text=True)
    assert "/inbox/ask/tool/numbat-ledger" in page
    asked = asker.post(
        "/inbox/ask/tool/numbat-ledger",
        data={"kind": "quote", "message": "5人で使う場合の見積もりをください", "consent": "y"},
    )
    assert asked.status_code == 200
    inquiry = db.session.scalars(sa.select(Inquiry)).one()
    assert [m.to_address for m in outbox() if m.template == "inquiry_received"] == [
        vendor_user.email
    ]

    inbox = vendor.get("/inbox").get_data(as_text=True)
    assert f'href="/inbox/{inquiry.id}"' in inbox
    answered = vendor.post(f"/inbox/{inquiry.id}/reply", data={"body": "月額 4,950 円です。"})
    assert answered.status_code == 302
    db.session.refresh(inquiry)
    assert inquiry.status == "answered"
    assert "月額 4,950 円です。" in outbox(sme.email)[-1].text_body
    assert "月額 4,950 円です。" in asker.get(f"/inbox/{inquiry.id}").get_data(as_text=True)
