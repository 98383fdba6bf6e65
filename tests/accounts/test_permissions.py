"""Role and ownership rules used by the services, as tables."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from dx_match.accounts.models import ROLES
from dx_match.accounts.permissions import is_member, require_member, require_role
from dx_match.accounts.services import FieldProblem, link_vendor
from dx_match.catalog.models import Vendor
from dx_match.errors import Forbidden, NotFound
from dx_match.extensions import db
from tests.conftest import PASSWORD


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("allowed", [("admin",), ("vendor", "trainer"), ("sme",)])
def test_require_role(make_user, role: str, allowed: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    user = make_user(role)
    if role in allowed:
        assert require_role(user, *allowed) is user
    else:
        with pytest.raises(Forbidden):
            require_role(user, *allowed)


def test_require_role_refuses_anonymous_and_disabled(make_user) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        require_role(None, "admin")
    with pytest.raises(Forbidden):
        require_role(make_user("admin", active=False), "admin")


@pytest.mark.parametrize(
    ("who", "member"), [("owner", True), ("other", False), ("admin", True), ("nobody", False)]
)
def test_membership(make_user, who: str, member: bool) -> None:  # type: ignore[no-untyped-def]
    owner = make_user("vendor")
    actor = {
        "owner": owner,
        "other": make_user("vendor"),
        "admin": make_user("admin"),
        "nobody": None,
    }[who]
    assert is_member(actor, owner.organisation_id) is member
    if not member:
        with pytest.raises(NotFound):  # private objects of others are "not found", not forbidden
            require_member(actor, owner.organisation_id, "tool")


def test_link_vendor_is_admin_only_and_kind_checked(make_user) -> None:  # type: ignore[no-untyped-def]
    vendor_user, sme, admin = make_user("vendor"), make_user("sme"), make_user("admin")
    slug = db.session.scalar(sa.select(Vendor.slug).order_by(Vendor.slug).limit(1))
    with pytest.raises(Forbidden):
        link_vendor(vendor_user, vendor_user.organisation_id, slug)
    with pytest.raises(FieldProblem):
        link_vendor(admin, sme.organisation_id, slug)
    with pytest.raises(NotFound):
        link_vendor(admin, vendor_user.organisation_id, "no-such-vendor")
    organisation = link_vendor(admin, vendor_user.organisation_id, slug)
    assert organisation.vendor is not None and organisation.vendor.slug == slug


def test_a_pending_totp_step_expires(client: FlaskClient, make_user, auth, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    user = make_user("admin")
    client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    code = auth.next_code(user)
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post("/account/login/code", data={"code": code})
    assert response.status_code == 302 and response.location.endswith("/account/login")
