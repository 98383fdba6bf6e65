"""The whole job in the browser: vendor creates -> submits -> admin approves -> searchable;
edits stay under review while the published version stays live; rejection mails the author."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask.testing import FlaskClient

from dx_match.audit.models import AuditEntry
from dx_match.catalog.models import Course, Tool
from dx_match.extensions import db
from dx_match.listings.models import ListingRevision
from dx_match.search.service import SearchRequest, SearchService
from tests.conftest import AuthActions
from tests.listings.conftest import PROVIDER, TOOL, VENDOR, course_form, tool_form


def _tool(slug: str) -> Tool | None:
    return db.session.scalars(sa.select(Tool).where(Tool.slug == slug)).first()


def _revision(slug: str) -> ListingRevision:
    return db.session.scalars(
        sa.select(ListingRevision)
        .where(ListingRevision.slug == slug)
        .order_by(ListingRevision.id.desc())
    ).first()


def _found(search: SearchService, text: str) -> set[str]:
    response = search.search(SearchRequest(q=text, facets=False, per_page=100))
    rows = db.session.scalars(sa.select(Tool.slug).where(Tool.id.in_(response.ids)))
    return set(rows)


def _login(app, user) -> FlaskClient:  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert AuthActions(client).login(user).status_code == 302
    return client


def test_vendor_to_review_to_published_to_searchable(
    app, vendor_user, admin_user, search_sandbox: SearchService
) -> None:
    vendor = _login(app, vendor_user)
    assert vendor.get("/dashboard/tool/new").status_code == 200
    response = vendor.post("/dashboard/tool/new", data=tool_form(submit="1"))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _tool("quokka-books") is None, "nothing is live before approval"
    revision = _revision("quokka-books")
    assert revision.state == "pending"
    assert revision.row["vendor"] == VENDOR

    admin = _login(app, admin_user)
    queue = admin.get("/admin/moderation").get_data(as_text=True)
    assert "quokka-books" in queue
    page = admin.get(f"/admin/moderation/{revision.id}").get_data(as_text=True)
    assert "Quokka Books" in page
    assert admin.post(f"/admin/moderation/{revision.id}/approve").status_code == 302
    tool = _tool("quokka-books")
    assert tool is not None and tool.status == "published"
    assert tool.vendor.slug == VENDOR
    assert [p.model for p in tool.plans] == ["flat_month"]
    search_sandbox.drain()
    assert "quokka-books" in _found(search_sandbox, "quokka")

    # An edit goes through review; the published version stays live and searchable meanwhile.
    edit = vendor.get("/dashboard/tool/quokka-books/edit").get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="([0-9a-f]+)"', edit)
    assert base, "the edit form carries the live version it is based on"
    form = tool_form(base=base.group(1), name_en="Wombat Ledger", submit="1")
    del form["slug"]
    assert vendor.post("/dashboard/tool/quokka-books/edit", data=form).status_code == 302
    search_sandbox.drain()
    assert _tool("quokka-books").name == {"en": "Quokka Books", "ja": "クオッカ会計"}
    assert "quokka-books" in _found(search_sandbox, "quokka")
    assert "quokka-books" not in _found(search_sandbox, "wombat")

    second = _revision("quokka-books")
    assert second.id != revision.id and second.state == "pending"
    assert admin.post(f"/admin/moderation/{second.id}/approve").status_code == 302
    search_sandbox.drain()
    assert _tool("quokka-books").name == {"en": "Wombat Ledger", "ja": "クオッカ会計"}
    assert "quokka-books" in _found(search_sandbox, "wombat")

    # Archive: no longer published, so out of search.
    assert vendor.post("/dashboard/tool/quokka-books/archive").status_code == 302
    assert _tool("quokka-books").status == "archived"
    search_sandbox.drain()
    assert "quokka-books" not in _found(search_sandbox, "wombat")

    actions = list(
        db.session.execute(
            sa.select(AuditEntry.actor_email, AuditEntry.action)
            .where(AuditEntry.target_id == "quokka-books")
            .order_by(AuditEntry.id)
        )
    )
    assert actions == [
        (vendor_user.email, "listing.submit"),
        (admin_user.email, "listing.approve"),
        (vendor_user.email, "listing.submit"),
        (admin_user.email, "listing.approve"),
        (vendor_user.email, "listing.archive"),
    ]
    log = admin.get("/admin/audit?target_id=quokka-books").get_data(as_text=True)
    assert log.count("listing.approve") == 2


def test_rejection_with_a_reason_mails_the_author(app, vendor_user, admin_user, outbox) -> None:
    vendor = _login(app, vendor_user)
    vendor.post("/dashboard/tool/new", data=tool_form(submit="1"))
    revision = _revision("quokka-books")
    admin = _login(app, admin_user)
    empty = admin.post(f"/admin/moderation/{revision.id}/reject", data={"reason": "  "})
    assert empty.status_code == 422 and "Say why" in empty.get_data(as_text=True)
    response = admin.post(
        f"/admin/moderation/{revision.id}/reject", data={"reason": "Add a price <b>in JPY</b>"}
    )
    assert response.status_code == 302
    db.session.refresh(revision)
    assert revision.state == "rejected" and revision.reason == "Add a price <b>in JPY</b>"
    [mail] = outbox(vendor_user.email)
    assert mail.template == "listing_rejected"
    assert "Add a price <b>in JPY</b>" in mail.text_body
    assert "Add a price &lt;b&gt;in JPY&lt;/b&gt;" in mail.html_body
    page = vendor.get(f"/dashboard/revisions/{revision.id}").get_data(as_text=True)
    assert "Add a price &lt;b&gt;in JPY&lt;/b&gt;" in page
    # Resubmitting the rejected revision puts it back in the queue.
    assert vendor.post(f"/dashboard/revisions/{revision.id}/submit").status_code == 302
    db.session.refresh(revision)
    assert revision.state == "pending"


def test_a_draft_is_kept_until_submitted(app, vendor_user) -> None:
    vendor = _login(app, vendor_user)
    assert vendor.post("/dashboard/tool/new", data=tool_form(save="1")).status_code == 302
    revision = _revision("quokka-books")
    assert revision.state == "draft"
    dashboard = vendor.get("/dashboard").get_data(as_text=True)
    assert "quokka-books" in dashboard and TOOL in dashboard
    assert vendor.post(f"/dashboard/revisions/{revision.id}/submit").status_code == 302
    db.session.refresh(revision)
    assert revision.state == "pending"


def test_stale_edit_shows_a_conflict_and_keeps_the_input(app, vendor_user, admin_user) -> None:
    vendor = _login(app, vendor_user)
    page = vendor.get(f"/dashboard/tool/{TOOL}/edit").get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="([0-9a-f]+)"', page).group(1)
    # Meanwhile the live row changes (another edit approved, or an import).
    tool = _tool(TOOL)
    tool.summary = {"en": "Changed by someone else"}
    db.session.commit()
    form = tool_form(base=base, name_en="My unsaved name 私の名前", submit="1")
    del form["slug"]
    response = vendor.post(f"/dashboard/tool/{TOOL}/edit", data=form)
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed since you began editing" in text
    assert "My unsaved name 私の名前" in text
    assert db.session.scalar(sa.select(sa.func.count(ListingRevision.id))) == 0


def test_approving_on_a_changed_live_row_is_a_conflict(app, vendor_user, admin_user) -> None:
    vendor = _login(app, vendor_user)
    page = vendor.get(f"/dashboard/tool/{TOOL}/edit").get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="([0-9a-f]+)"', page).group(1)
    form = tool_form(base=base, submit="1")
    del form["slug"]
    assert vendor.post(f"/dashboard/tool/{TOOL}/edit", data=form).status_code == 302
    tool = _tool(TOOL)
    tool.trial_days = 99
    db.session.commit()
    admin = _login(app, admin_user)
    revision = _revision(TOOL)
    response = admin.post(f"/admin/moderation/{revision.id}/approve")
    assert response.status_code == 409
    assert _tool(TOOL).trial_days == 99


def test_trainer_course_through_the_same_flow(app, trainer_user, admin_user) -> None:
    trainer = _login(app, trainer_user)
    assert trainer.get("/dashboard/course/new").status_code == 200
    response = trainer.post("/dashboard/course/new", data=course_form(submit="1"))
    assert response.status_code == 302, response.get_data(as_text=True)
    revision = _revision("quokka-course")
    assert revision.row["provider"] == PROVIDER
    admin = _login(app, admin_user)
    assert admin.post(f"/admin/moderation/{revision.id}/approve").status_code == 302
    course = db.session.scalars(sa.select(Course).where(Course.slug == "quokka-course")).one()
    assert course.status == "published"
    assert [(s.starts.isoformat(), s.capacity) for s in course.sessions] == [("2027-01-05", 20)]
    assert trainer.get("/courses/quokka-course").status_code == 200
