"""The bad-input corpus over every inquiry form field: never a server error, every rejection
names its field, what was typed is kept, and stored text is shown escaped wherever it appears."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from markupsafe import escape

from dx_match.catalog.models import Tool
from dx_match.extensions import db
from dx_match.inquiries.models import Inquiry
from tests.accounts.test_bad_input import CORPUS, post_raw
from tests.conftest import AuthActions


def visitor_data() -> dict[str, str]:
    return {
        "kind": "quote",
        "message": "How much for 5 users?",
        "name": "Chen",
        "company": "Chen Trading",
        "email": "chen@example.com",
        "phone": "+886 2 1234 5678",
    }


FIELDS = [f for f in visitor_data() if f != "kind"] + ["kind"]


@pytest.mark.parametrize("case", list(CORPUS))
@pytest.mark.parametrize("field", FIELDS)
def test_bad_input_never_breaks_the_inquiry_form(
    app: Flask, tool: Tool, field: str, case: str
) -> None:
    data = {**visitor_data(), field: CORPUS[case]}
    response = post_raw(app.test_client(), f"/inbox/ask/tool/{tool.slug}", data)
    assert response.status_code in {200, 422}, response.status_code
    page = response.get_data(as_text=True)
    if response.status_code == 422:
        assert f'id="{field}-error"' in page, f"the rejection does not name {field}"
        for other, value in data.items():
            if other not in {field, "kind"}:
                assert str(escape(value)) in page, f"{other} was not kept"
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize("case", list(CORPUS))
def test_bad_input_never_breaks_the_reply_form(  # type: ignore[no-untyped-def]
    app: Flask, make_user, tool: Tool, case: str
) -> None:
    sme = make_user("sme")
    client = app.test_client()
    AuthActions(client).login(sme)
    client.post(f"/inbox/ask/tool/{tool.slug}", data={"kind": "quote", "message": "Hi"})
    inquiry = db.session.scalars(sa.select(Inquiry)).one()
    response = post_raw(client, f"/inbox/{inquiry.id}/reply", {"body": CORPUS[case]})
    assert response.status_code in {302, 422}
    if response.status_code == 422:
        assert 'id="body-error"' in response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


@pytest.mark.parametrize("case", ["cjk emoji rtl", "script", "sql", "lone surrogate"])
def test_accepted_text_is_stored_and_shown_escaped_everywhere(  # type: ignore[no-untyped-def]
    app: Flask, make_user, outbox, tool: Tool, case: str
) -> None:
    member = make_user("vendor", vendor=tool.vendor)
    text = CORPUS[case]
    data: dict[str, Any] = {
        **visitor_data(),
        "message": text,
        "name": text,
        "company": text,
        "consent": "y",
    }
    assert post_raw(app.test_client(), f"/inbox/ask/tool/{tool.slug}", data).status_code == 200
    inquiry = db.session.scalars(sa.select(Inquiry)).one()
    stored = inquiry.messages[0].body
    stored.encode("utf-8")  # no lone surrogate reached the database
    if case != "lone surrogate":
        assert stored == text.strip() and inquiry.name == text.strip()
    vendor = app.test_client()
    AuthActions(vendor).login(member)
    pages = [vendor.get(p).get_data(as_text=True) for p in ("/inbox", f"/inbox/{inquiry.id}")]
    html_mail = next(m for m in outbox(member.email)).html_body or ""
    for shown in [*pages, html_mail]:
        assert str(escape(inquiry.name)) in shown
        if "<" in text:
            assert text not in shown
