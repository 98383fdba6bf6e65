"""Ownership (others' listings and revisions answer 404), roles, and CSRF on every form."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from dx_match.catalog.models import Tool
from dx_match.errors import Forbidden, NotFound
from dx_match.extensions import db
from dx_match.listings import services
from dx_match.listings.models import ListingRevision
from tests.conftest import AuthActions
from tests.listings.conftest import TOOL, tool_form, vendor_row


@pytest.fixture
def rival(make_user):  # type: ignore[no-untyped-def]
    """A vendor account owning another demo vendor."""
    return make_user("vendor", vendor=vendor_row("kazeniwa-soft"))


def test_other_vendors_cannot_see_or_change_a_listing(app, vendor_user, rival) -> None:
    revision = services.save(vendor_user, "tool", {"slug": "own-tool", "name": "Own",
                             "functions": ["sales.pos"], "plans": [{"model": "quote"}]}, base="new")  # fmt: skip
    client = app.test_client()
    assert AuthActions(client).login(rival).status_code == 302
    assert client.get(f"/dashboard/tool/{TOOL}/edit").status_code == 404
    assert client.post(f"/dashboard/tool/{TOOL}/archive").status_code == 404
    assert client.get(f"/dashboard/revisions/{revision.id}").status_code == 404
    assert client.post(f"/dashboard/revisions/{revision.id}/submit").status_code == 404
    # Creating a listing under someone else's slug is refused on the slug field.
    response = client.post("/dashboard/tool/new", data=tool_form(slug=TOOL))
    assert response.status_code == 422
    assert "This slug is taken" in response.get_data(as_text=True)
    response = client.post("/dashboard/tool/new", data=tool_form(slug="own-tool"))
    assert "This slug is taken" in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(Tool).where(Tool.slug == TOOL)).one().status == "published"


def test_services_check_roles_not_only_views(vendor_user, trainer_user, admin_user) -> None:
    with pytest.raises(Forbidden):
        services.save(trainer_user, "tool", {}, base="new")
    with pytest.raises(Forbidden):
        services.approve(vendor_user, 1)
    with pytest.raises(NotFound):
        services.approve(admin_user, 10**9)
    with pytest.raises(Forbidden):
        services.archive(admin_user, "tool", TOOL)


def test_a_new_organisation_gets_its_catalog_vendor_on_first_save(make_user) -> None:
    user = make_user("vendor", organisation_name="Kiwi & Co. 奇異果")
    assert user.organisation.vendor is None
    revision = services.save(user, "tool", {"slug": "kiwi-pos", "name": "Kiwi POS",
                             "functions": ["sales.pos"], "plans": [{"model": "quote"}]}, base="new")  # fmt: skip
    assert revision.row["vendor"] == user.organisation.vendor.slug
    assert re.fullmatch(r"kiwi-co-[0-9a-f]{6}", user.organisation.vendor.slug)


def test_two_tabs_saving_one_draft_conflict(vendor_user) -> None:
    row = {
        "slug": "tab-tool",
        "name": "Tab",
        "functions": ["sales.pos"],
        "plans": [{"model": "quote"}],
    }
    first = services.save(vendor_user, "tool", row, base="new")
    version = first.version
    services.save(vendor_user, "tool", row | {"name": "Tab 2"}, base="new",
                  revision_id=first.id, revision_version=version)  # fmt: skip
    with pytest.raises(services.StaleEdit):
        services.save(vendor_user, "tool", row | {"name": "Tab 3"}, base="new",
                      revision_id=first.id, revision_version=version)  # fmt: skip
    assert db.session.get(ListingRevision, first.id).row["name"] == "Tab 2"


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/dashboard/tool/new", "vendor"),
        ("/dashboard/upload", "vendor"),
        ("/admin/moderation/{revision}/reject", "admin"),
        ("/admin/moderation/{revision}/approve", "admin"),
        ("/dashboard/tool/" + TOOL + "/archive", "vendor"),
    ],
)
def test_forms_refuse_a_post_without_csrf_token(
    strict_app, make_user, vendor_user, path, role
) -> None:  # type: ignore[no-untyped-def]
    revision = services.save(vendor_user, "tool", {"slug": "csrf-tool", "name": "C",
                             "functions": ["sales.pos"], "plans": [{"model": "quote"}]},
                             base="new", submit=True)  # fmt: skip
    user = vendor_user if role == "vendor" else make_user(role)
    client = strict_app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.9.{len(path)}.{len(role)}"  # limits count per address
    page = client.get("/account/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"email": user.email, "password": "correct horse battery staple", "csrf_token": token}
    response = client.post("/account/login", data=data)
    if "/login/code" in response.location:
        client.post(
            response.location, data={"code": AuthActions.next_code(user), "csrf_token": token}
        )
    response = client.post(path.format(revision=revision.id), data=tool_form(reason="x"))
    assert response.status_code == 400
    assert db.session.get(ListingRevision, revision.id).state == "pending"
    assert db.session.scalar(sa.select(sa.func.count(ListingRevision.id))) == 1
    assert db.session.scalars(sa.select(Tool).where(Tool.slug == TOOL)).one().status == "published"
    if path == "/dashboard/tool/new":  # with the token the page carries, the same post works
        page = client.get(path).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert client.post(path, data=tool_form(csrf_token=token)).status_code == 302
