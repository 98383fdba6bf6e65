"""Stale listings: badges, reminders once per 30 days, and the vendor's confirm button."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from dx_match.audit.models import AuditEntry
from dx_match.extensions import db
from dx_match.listings import services as listing_services
from dx_match.listings.models import ListingRevision
from dx_match.trust.freshness import is_stale
from dx_match.trust.reminders import due_tools, remind_stale
from tests.conftest import AuthActions
from tests.listings.conftest import TOOL
from tests.trust.conftest import live_tool, tool_row

TODAY = date(2026, 12, 1)
BADGE = "Not verified in the last 12 months"


@pytest.mark.parametrize(
    ("verified_at", "stale"),
    [
        (None, True),
        (TODAY, False),
        (TODAY - timedelta(days=365), False),
        (TODAY - timedelta(days=366), True),
    ],
)
def test_stale_means_not_verified_in_the_last_12_months(
    verified_at: date | None, stale: bool
) -> None:
    assert is_stale(verified_at, TODAY) is stale


def _verify_all_but(slug: str, on: date) -> None:
    for tool in db.session.scalars(sa.select(type(live_tool(slug)))):
        tool.verified_at = on if tool.slug != slug else date.today() - timedelta(days=400)
    db.session.commit()


def test_stale_listings_carry_a_badge_on_their_page_and_in_search(app: Flask) -> None:
    _verify_all_but(TOOL, date.today())
    client = app.test_client()
    assert BADGE in client.get(f"/tools/{TOOL}?lang=en").get_data(as_text=True)
    fresh = db.session.scalar(
        sa.select(type(live_tool(TOOL)).slug).where(type(live_tool(TOOL)).slug != TOOL)
    )
    assert BADGE not in client.get(f"/tools/{fresh}?lang=en").get_data(as_text=True)
    listing = client.get("/tools?lang=en&q=Matsukaze").get_data(as_text=True)
    assert BADGE in listing


def test_remind_stale_mails_each_vendor_once_per_30_days(app: Flask, make_user, outbox) -> None:  # type: ignore[no-untyped-def]
    tool = live_tool(TOOL)
    member = make_user("vendor", vendor=tool.vendor, locale="ja")
    _verify_all_but(TOOL, date.today())
    today = date.today()
    with app.test_request_context():
        first = remind_stale(today)
        assert (first.listings, first.mails) == (1, 1)
        assert remind_stale(today).mails == 0  # idempotent
        assert remind_stale(today + timedelta(days=29)).mails == 0
        assert remind_stale(today + timedelta(days=31)).mails == 1
    mails = outbox(member.email)
    assert len(mails) == 2
    assert TOOL in mails[0].text_body and "/dashboard" in mails[0].text_body
    assert mails[0].locale == "ja"


def test_tools_of_vendors_without_accounts_are_not_remembered(app: Flask) -> None:
    _verify_all_but(TOOL, date.today())
    with app.test_request_context():
        assert remind_stale(date.today()).mails == 0
    assert [t.slug for t in due_tools(date.today())] == [TOOL]  # reminded once it is claimed


def test_the_cli_reminds(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["trust", "remind-stale", "--today", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert "mails queued" in result.output


def test_confirming_prices_stamps_today_without_review(app: Flask, vendor_user) -> None:  # type: ignore[no-untyped-def]
    # An open edit started from the live row stays approvable: only the stamp changed.
    draft = listing_services.save(
        vendor_user, "tool", tool_row(TOOL), base=listing_services.live_base("tool", TOOL)
    )
    client = app.test_client()
    assert AuthActions(client).login(vendor_user).status_code == 302
    assert f"/dashboard/tool/{TOOL}/confirm-prices" in client.get("/dashboard").get_data(
        as_text=True
    )
    response = client.post(f"/dashboard/tool/{TOOL}/confirm-prices")
    assert response.status_code == 302
    tool = live_tool(TOOL)
    db.session.refresh(tool)
    assert tool.verified_at == date.today() and tool.status == "published"
    entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and (entry.action, entry.target_id) == ("listing.confirm_prices", TOOL)
    revision = db.session.get(ListingRevision, draft.id)
    assert revision is not None and revision.base == listing_services.live_base("tool", TOOL)
    assert BADGE not in client.get(f"/tools/{TOOL}?lang=en").get_data(as_text=True)


def test_another_vendors_tool_answers_404(app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert AuthActions(client).login(make_user("vendor")).status_code == 302
    assert client.post(f"/dashboard/tool/{TOOL}/confirm-prices").status_code == 404
    assert live_tool(TOOL).verified_at != date.today()
