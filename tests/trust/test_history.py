"""Price history: first prices at import, old -> new through the importer and approvals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from dx_match.extensions import db
from dx_match.listings import services
from dx_match.trust.history import changes
from dx_match.trust.models import PriceChange
from tests.listings.conftest import TOOL
from tests.trust.conftest import import_rows, live_tool, tool_row


def _history(slug: str) -> list[PriceChange]:
    tool = live_tool(slug)
    return list(
        db.session.scalars(
            sa.select(PriceChange).where(PriceChange.tool_id == tool.id).order_by(PriceChange.id)
        )
    )


def test_changes_matches_plans_by_name() -> None:
    before = [("Basic", "flat_month", 10, "USD"), ("Pro", "flat_month", 20, "USD")]
    after = [("Pro", "flat_month", 25, "USD"), ("Team", "flat_month", 30, "USD")]
    assert changes(before, after) == [
        ("Pro", before[1], after[0]),
        ("Team", None, after[1]),
        ("Basic", before[0], None),
    ]
    assert changes(before, list(before)) == []


def test_the_demo_import_recorded_every_first_price() -> None:
    rows = _history(TOOL)
    assert [(r.plan_key, r.old_price, r.new_price, r.currency, r.source) for r in rows] == [
        ("Perpetual licence", None, 380000, "JPY", "import"),
        ("Annual subscription", None, 132000, "JPY", "import"),
    ]


def test_importing_a_new_price_records_old_to_new_once(tmp_path: Path) -> None:
    row = tool_row(TOOL)
    row["plans"][1]["price"] = 150000
    import_rows(tmp_path / "a", [row])
    import_rows(tmp_path / "b", [row])  # unchanged the second time: nothing more
    rows = _history(TOOL)
    assert len(rows) == 3
    last = rows[-1]
    assert (last.plan_key, last.old_price, last.new_price, last.source) == (
        "Annual subscription", 132000, 150000, "import",
    )  # fmt: skip
    assert last.changed_on == date.today()


def test_an_approved_edit_records_its_price_change(app: Flask, vendor_user, admin_user) -> None:  # type: ignore[no-untyped-def]
    row = tool_row(TOOL)
    row["plans"][0]["price"] = 400000
    revision = services.save(
        vendor_user, "tool", row, base=services.live_base("tool", TOOL), submit=True
    )
    assert len(_history(TOOL)) == 2  # nothing is recorded before the approval
    with app.test_request_context():  # the approval mail links to the live listing
        services.approve(admin_user, revision.id)
    last = _history(TOOL)[-1]
    assert (last.plan_key, last.old_price, last.new_price, last.source) == (
        "Perpetual licence", 380000, 400000, "moderation",
    )  # fmt: skip


def test_a_draft_tool_has_no_history_until_published(tmp_path: Path) -> None:
    row = tool_row(TOOL) | {"slug": "draft-genka", "status": "draft"}
    import_rows(tmp_path / "a", [row])
    assert _history("draft-genka") == []
    import_rows(tmp_path / "b", [row | {"status": "published"}])
    assert [r.old_price for r in _history("draft-genka")] == [None, None]


def test_the_tool_page_shows_the_price_history(app: Flask, tmp_path: Path) -> None:
    row = tool_row(TOOL)
    row["plans"][1]["price"] = 150000
    import_rows(tmp_path, [row])
    page = app.test_client().get(f"/tools/{TOOL}?lang=en").get_data(as_text=True)
    assert "Price history" in page
    assert "150,000" in page and "132,000" in page


def test_a_free_plan_reads_free_in_the_history_not_zero_in_some_currency(app: Flask) -> None:
    # meihua-pay-terminal's "Single store" plan is free and has no currency.
    page = app.test_client().get("/tools/meihua-pay-terminal?lang=en").get_data(as_text=True)
    history = page[page.index('id="price-history"') :]
    history = history[: history.index("</table>")]
    row = history[history.index("Single store") :]
    row = row[: row.index("</tr>")]
    assert "Free" in row and "0.00" not in row
