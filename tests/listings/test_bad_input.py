"""The bad-input corpus over every listing form field: never a 500, every rejection named on
its field with the typed value kept, and stored text escaped on every page."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from markupsafe import escape

from dx_match.catalog.models import Tool
from dx_match.extensions import db
from dx_match.listings.models import ListingRevision
from tests.conftest import AuthActions
from tests.listings.conftest import course_form, tool_form

SURROGATE = "\ud800"
CORPUS = [
    "x" * 30_000,
    "-1",
    "NaN",
    "Infinity",
    "1e400",
    "99999999999999999999999",
    "abc\x00def",
    SURROGATE,
    "會計 テスト 😀 עברית\u200f",
    "<script>alert(1)</script>",
    "'; DROP TABLE tools; --",
    "../../etc/passwd",
]
TOOL_FIELDS = [
    "slug", "name_en", "name_zh_TW", "name_ja", "summary_en", "summary_ja", "description_en",
    "functions", "industries", "regions", "languages", "deployment", "platforms",
    "min_employees", "max_employees", "trial_days", "integrations", "plans-0-name",
    "plans-0-model", "plans-0-price", "plans-0-currency", "plans-0-min_users", "subsidies",
    "source_url",
]  # fmt: skip
COURSE_FIELDS = [
    "slug", "title_en", "title_zh_TW", "description_ja", "skills", "functions", "tools", "level",
    "format", "language", "region", "hours", "price", "currency", "sessions-0-starts",
    "sessions-0-capacity", "subsidies",
]  # fmt: skip
CHOICE_FIELDS = {"functions", "industries", "platforms", "subsidies", "skills"}


def _body(data: dict[str, Any]) -> bytes:
    """A urlencoded body; a lone surrogate goes as the raw bytes a broken client would send."""
    parts = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            encoded = quote(item.encode("utf-8", "surrogatepass"), safe="")
            parts.append(f"{quote(key)}={encoded}")
    return "&".join(parts).encode()


def _post(client, url: str, data: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.post(url, data=_body(data), content_type="application/x-www-form-urlencoded")


def _has_error_on(page: str, field: str) -> bool:
    base = field.split("-", maxsplit=1)[0] if field.startswith(("plans", "sessions")) else field
    text_field = re.sub(r"_(en|zh_TW|ja)$", "", field)
    return (
        f'id="{field}-error"' in page
        or f'id="{text_field}_en-error"' in page
        or f"<li>{base}" in page  # a problem placed in the list at the top
    )


def _typed_value_kept(page: str, field: str, value: str) -> bool:
    if field in CHOICE_FIELDS or field.endswith(("model", "deployment", "level", "format")):
        return True  # not an option: nothing to show back
    if any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in value):
        return True  # shown as the browser sent it; the check is that it is refused
    return str(escape(value)) in page


def _run(client, url: str, make_form, fields: list[str], field: str) -> None:  # type: ignore[no-untyped-def]
    for index, value in enumerate(CORPUS):
        data = make_form(f"bad-{index}-{abs(hash(field)) % 1000}")
        data[field] = [value] if field in CHOICE_FIELDS else value
        response = _post(client, url, data)
        page = response.get_data(as_text=True)
        assert response.status_code in (302, 422), (field, value[:40], response.status_code)
        if response.status_code == 422:
            assert _has_error_on(page, field), (field, value[:40])
            assert _typed_value_kept(page, field, value), (field, value[:40])
        assert "<script>alert(1)</script>" not in page


@pytest.fixture
def vendor(client, vendor_user):  # type: ignore[no-untyped-def]
    assert AuthActions(client).login(vendor_user).status_code == 302
    return client


@pytest.fixture
def trainer(client, trainer_user):  # type: ignore[no-untyped-def]
    assert AuthActions(client).login(trainer_user).status_code == 302
    return client


@pytest.mark.parametrize("field", TOOL_FIELDS)
def test_tool_form_field(vendor, field: str) -> None:
    _run(vendor, "/dashboard/tool/new", tool_form, TOOL_FIELDS, field)


@pytest.mark.parametrize("field", COURSE_FIELDS)
def test_course_form_field(trainer, field: str) -> None:
    _run(trainer, "/dashboard/course/new", course_form, COURSE_FIELDS, field)


def test_numbers_out_of_range_are_refused_on_their_field(vendor) -> None:
    for field, value in [("plans-0-price", "-5"), ("plans-0-price", "NaN"), ("trial_days", "-1"),
                         ("plans-0-price", "1e13"), ("min_employees", "0")]:  # fmt: skip
        response = _post(vendor, "/dashboard/tool/new", tool_form(**{field: value}))
        assert response.status_code == 422, (field, value)
        assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ListingRevision.id))) == 0


def test_stored_text_is_escaped_on_every_page(app, vendor, admin_user) -> None:
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    form = tool_form(
        name_en=evil, summary_en=evil, description_en=evil, integrations="<b>x</b>",
        submit="1",
    )  # fmt: skip
    assert _post(vendor, "/dashboard/tool/new", form).status_code == 302
    revision = db.session.scalars(sa.select(ListingRevision)).one()
    admin = app.test_client()
    assert AuthActions(admin).login(admin_user).status_code == 302
    pages = [
        vendor.get("/dashboard"),
        vendor.get(f"/dashboard/revisions/{revision.id}"),
        vendor.get("/dashboard/tool/quokka-books/edit"),
        admin.get("/admin/moderation"),
        admin.get(f"/admin/moderation/{revision.id}"),
    ]
    assert admin.post(f"/admin/moderation/{revision.id}/approve").status_code == 302
    assert db.session.scalars(sa.select(Tool).where(Tool.slug == "quokka-books")).one()
    pages += [admin.get("/tools/quokka-books"), admin.get("/admin/audit")]
    for response in pages:
        page = response.get_data(as_text=True)
        assert response.status_code == 200, response.request.path
        assert "<script>alert(1)" not in page and "<img src=x" not in page, response.request.path
        assert "<b>x</b>" not in page
