"""Admins add taxonomy terms (three labels) and edit subsidies (every field, verified_at)
through the importer's rules; each change is in the audit log."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy as sa

from dx_match.audit.models import AuditEntry
from dx_match.catalog.models import Subsidy
from dx_match.extensions import db
from dx_match.taxonomy.models import Term
from tests.conftest import AuthActions


@pytest.fixture
def admin(client, admin_user):  # type: ignore[no-untyped-def]
    assert AuthActions(client).login(admin_user).status_code == 302
    return client


def _term(code: str) -> Term | None:
    return db.session.scalars(sa.select(Term).where(Term.code == code)).first()


def test_a_term_with_three_labels_is_added_and_usable(admin, admin_user) -> None:
    data = {"kind": "industries", "code": "I5610", "name_en": "Restaurants",
            "name_zh_TW": "餐館", "name_ja": "レストラン"}  # fmt: skip
    assert admin.post("/admin/taxonomy", data=data).status_code == 302
    term = _term("I5610")
    assert term is not None and term.parent == "I56" and term.name["ja"] == "レストラン"
    assert "I5610" in admin.get("/admin/taxonomy").get_data(as_text=True)
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.target_id == "I5610")).one()
    assert (entry.actor_email, entry.action) == (admin_user.email, "term.create")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name_ja": ""}, "name_en", "every language: ja"),
        ({"code": "bad code!"}, "code", "is not a code"),
        ({"code": "I56"}, "code", "exists already"),
        ({"parent": "ZZ9"}, "parent", "is not a known industry code"),
        ({"kind": "colours"}, "kind", "Not a valid choice"),
        ({"name_en": "x\x00"}, "name_en", "control characters"),
    ],
)
def test_a_bad_term_is_refused_on_its_field(admin, changes, field, message) -> None:
    data = {"kind": "industries", "code": "I5611", "name_en": "Cafes", "name_zh_TW": "咖啡",
            "name_ja": "カフェ"} | changes  # fmt: skip
    response = admin.post("/admin/taxonomy", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page.replace("&#39;", "'")
    assert _term("I5611") is None


class _Fields(HTMLParser):
    """The values a browser would submit for a page's form."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, Any] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.values.setdefault(name, []).append(a.get("value"))
            elif a.get("type") != "file":
                self.values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def _subsidy_form(admin, slug: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    parser = _Fields()
    parser.feed(admin.get(f"/admin/subsidies/{slug}/edit").get_data(as_text=True))
    return {k: v for k, v in parser.values.items() if k not in ("q", "csrf_token")}


def test_a_subsidy_edit_stamps_verified_at_and_keeps_every_field(admin) -> None:
    slug = db.session.scalars(sa.select(Subsidy.slug).order_by(Subsidy.slug)).first()
    before = db.session.scalars(sa.select(Subsidy).where(Subsidy.slug == slug)).one()
    max_amount = before.max_amount
    form = _subsidy_form(admin, slug)
    assert form["base"] and form["expense_types"]
    form["verified_at"] = "2026-12-01"
    response = admin.post(f"/admin/subsidies/{slug}/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    after = db.session.scalars(sa.select(Subsidy).where(Subsidy.slug == slug)).one()
    assert after.verified_at == date(2026, 12, 1)
    assert after.max_amount == max_amount
    # Saving the same form again is stale: the row changed under it.
    again = admin.post(f"/admin/subsidies/{slug}/edit", data=form | {"rate": "0.3"})
    assert again.status_code == 409 and 'value="0.3"' in again.get_data(as_text=True)
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.target_id == slug))
    assert list(actions) == ["subsidy.updated"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("rate", "1.5", "This number is too large"), ("rate", "NaN", "not NaN"),
     ("max_amount", "-1", "0 or more"), ("closes", "2026-13-40", "Not a valid date"),
     ("regions", "XX-NOPE", "is not an ISO 3166")],
)  # fmt: skip
def test_bad_subsidy_input_is_refused_on_its_field(admin, field, value, message) -> None:
    slug = db.session.scalars(sa.select(Subsidy.slug).order_by(Subsidy.slug)).first()
    form = _subsidy_form(admin, slug) | {field: value}
    response = admin.post(f"/admin/subsidies/{slug}/edit", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page.replace("&#39;", "'")


def test_a_new_subsidy(admin) -> None:
    data = {"base": "new", "slug": "tw-new-grant", "name_en": "New grant", "regions": "TW",
            "expense_types": ["software"], "rate": "0.5", "max_amount": "100000",
            "currency": "TWD", "verified_at": "2026-11-30"}  # fmt: skip
    response = admin.post("/admin/subsidies/new", data=data)
    assert response.status_code == 302, re.findall(
        r"<li>[^<]*</li>", response.get_data(as_text=True)
    )
    found = db.session.scalars(sa.select(Subsidy).where(Subsidy.slug == "tw-new-grant")).one()
    assert found.verified_at == date(2026, 11, 30) and found.name == {"en": "New grant"}
    assert "tw-new-grant" in admin.get("/admin/subsidies").get_data(as_text=True)


def test_the_contract_rule_is_edited_but_stays_out_of_the_exchange_format(admin) -> None:
    from dx_match.catalog import canonical
    from dx_match.catalog.exchange import import_catalog
    from dx_match.cli import DEMO_CATALOG

    form = _subsidy_form(admin, "jp-it-intro")
    assert "contract_after_grant" not in form
    before = canonical.subsidy_row(
        db.session.scalars(sa.select(Subsidy).where(Subsidy.slug == "jp-it-intro")).one()
    )
    response = admin.post(
        "/admin/subsidies/jp-it-intro/edit", data=form | {"contract_after_grant": "y"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    row = db.session.scalars(sa.select(Subsidy).where(Subsidy.slug == "jp-it-intro")).one()
    assert row.contract_after_grant is True
    assert _subsidy_form(admin, "jp-it-intro")["contract_after_grant"] == ["y"]
    # The exchange row has no new field, and re-importing partners' files keeps our setting.
    assert canonical.subsidy_row(row).keys() == before.keys()
    assert "contract_after_grant" not in before
    assert import_catalog(DEMO_CATALOG).ok
    db.session.expire_all()
    assert db.session.get(Subsidy, row.id).contract_after_grant is True  # type: ignore[union-attr]
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.target_id == "jp-it-intro")
    )
    assert "subsidy.contract_rule" in list(actions)
