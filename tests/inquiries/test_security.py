"""CSRF on every inquiry form, the inquiry rate limit, GET never changes state."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from dx_match.catalog.models import Tool
from dx_match.extensions import db
from dx_match.inquiries.models import Inquiry
from tests.inquiries.conftest import csrf_token

VISITOR = {"kind": "quote", "message": "Price?", "name": "Lin", "email": "lin@example.com"}


def count() -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(Inquiry)) or 0)


def test_the_inquiry_form_needs_its_csrf_token(strict_app: Flask, tool: Tool) -> None:
    client = strict_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.0.1"
    path = f"/inbox/ask/tool/{tool.slug}"
    refused = client.post(path, data=VISITOR)
    assert refused.status_code == 400 and count() == 0
    token = csrf_token(client, path)
    assert client.post(path, data={**VISITOR, "csrf_token": token}).status_code == 200
    assert count() == 1


def test_inquiries_are_rate_limited(strict_app: Flask, tool: Tool) -> None:
    client = strict_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.0.2"
    path = f"/inbox/ask/tool/{tool.slug}"
    token = csrf_token(client, path)
    codes = [client.post(path, data={**VISITOR, "csrf_token": token}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert count() == 3
    assert client.get(path).status_code == 200  # showing the form is free


def test_get_requests_change_nothing(app: Flask, tool: Tool) -> None:
    client = app.test_client()
    client.post(f"/inbox/ask/tool/{tool.slug}", data=VISITOR)
    inquiry = db.session.scalars(sa.select(Inquiry)).one()
    before = (inquiry.status, inquiry.vendor_seen_at, len(inquiry.messages))
    for path in (f"/inbox/ask/tool/{tool.slug}?kind=demo&message=x&name=a&email=a@example.com",):
        assert client.get(path).status_code == 200
    db.session.refresh(inquiry)
    assert (inquiry.status, inquiry.vendor_seen_at, len(inquiry.messages)) == before
    assert count() == 1
