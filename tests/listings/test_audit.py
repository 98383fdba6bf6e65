"""The audit log is written in the change's own transaction, and filtered on its page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dx_match import audit
from dx_match.audit.models import AuditEntry
from dx_match.audit.services import entries
from dx_match.extensions import db
from dx_match.listings import services
from tests.conftest import AuthActions


def _count() -> int:
    return int(db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) or 0)


def test_an_entry_rolled_back_with_its_change_is_gone(vendor_user) -> None:
    audit.record(vendor_user, "listing.save", "tool", "x")
    db.session.rollback()
    assert _count() == 0
    with pytest.raises(services.ListingInvalid):
        services.save(vendor_user, "tool", {"slug": "x"}, base="new")  # refused: no entry
    assert _count() == 0


def test_entries_filter_by_actor_and_target(vendor_user, admin_user, client) -> None:
    audit.record(vendor_user, "listing.save", "tool", "alpha", {"revision": 1})
    audit.record(admin_user, "listing.approve", "tool", "alpha")
    audit.record(admin_user, "term.create", "industries", "I5610")
    db.session.commit()
    assert [e.action for e in entries(target_kind="tool", target_id="alpha")] == [
        "listing.approve",
        "listing.save",
    ]
    assert [e.target_id for e in entries(actor=vendor_user.email.upper())] == ["alpha"]
    assert entries(actor="%") == []  # LIKE wildcards are escaped
    assert AuthActions(client).login(admin_user).status_code == 302
    page = client.get("/admin/audit", query_string={"actor": admin_user.email}).get_data(
        as_text=True
    )
    assert "term.create" in page and "listing.save" not in page
