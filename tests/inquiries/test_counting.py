"""Listing views: counted for people, not robots or the owner; written in batches; charted and
exported with the same numbers as a brute count of the rows."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask

from dx_match.catalog.models import Course, Tool
from dx_match.config import from_environment
from dx_match.errors import ConfigError
from dx_match.extensions import db
from dx_match.inquiries import counting, stats
from dx_match.inquiries.models import Inquiry, ListingView
from tests.conftest import AuthActions
from tests.inquiries.conftest import BROWSER


def stored_views(kind: str, listing_id: int) -> int:
    query = sa.select(sa.func.coalesce(sa.func.sum(ListingView.views), 0)).where(
        ListingView.kind == kind, ListingView.listing_id == listing_id
    )
    return int(db.session.scalar(query) or 0)


def test_people_are_counted_robots_and_owners_are_not(  # type: ignore[no-untyped-def]
    app: Flask, make_user, tool: Tool, course: Course
) -> None:
    counter = counting.view_counter(app)
    counter.take()  # start from an empty buffer
    person = app.test_client()
    for _ in range(3):
        assert person.get(f"/tools/{tool.slug}", headers={"User-Agent": BROWSER}).status_code == 200
    person.get(f"/courses/{course.slug}", headers={"User-Agent": BROWSER})
    robot = app.test_client()
    robot.get(f"/tools/{tool.slug}", headers={"User-Agent": "Googlebot/2.1"})
    robot.get(f"/tools/{tool.slug}", headers={"User-Agent": ""})
    owner = app.test_client()
    AuthActions(owner).login(make_user("vendor", vendor=tool.vendor))
    owner.get(f"/tools/{tool.slug}", headers={"User-Agent": BROWSER})
    assert counter.flush() == 2  # one row per listing and day
    assert stored_views("tool", tool.id) == 3
    assert stored_views("course", course.id) == 1

    person.get(f"/tools/{tool.slug}", headers={"User-Agent": BROWSER})
    counter.flush()  # adds to the day's row
    assert stored_views("tool", tool.id) == 4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ListingView)) == 2


def test_a_due_batch_is_written_after_the_page(app: Flask, tool: Tool) -> None:
    counter = counting.view_counter(app)
    counter.take()
    saved, counter.flush_seconds = counter.flush_seconds, 0
    try:
        app.test_client().get(f"/tools/{tool.slug}", headers={"User-Agent": BROWSER})
    finally:
        counter.flush_seconds = saved
    assert stored_views("tool", tool.id) == 1 and not counter.due()


def test_counting_failure_never_breaks_the_page(app: Flask, tool: Tool) -> None:
    counter = app.extensions.pop(counting.EXTENSION_KEY)
    try:
        response = app.test_client().get(f"/tools/{tool.slug}", headers={"User-Agent": BROWSER})
    finally:
        app.extensions[counting.EXTENSION_KEY] = counter
    assert response.status_code == 200


def test_chart_table_and_csv_equal_a_brute_count(  # type: ignore[no-untyped-def]
    app: Flask, make_user, tool: Tool
) -> None:
    counting.view_counter(app).take()
    today = date.today()
    starts = stats.week_starts(today)
    # Views spread over three weeks of the range, and one day before it (not shown).
    for day, views in (
        (starts[0], 4),
        (starts[10], 7),
        (today, 2),
        (starts[0].replace(year=starts[0].year - 1), 50),
    ):
        db.session.add(ListingView(kind="tool", listing_id=tool.id, day=day, views=views))
    db.session.commit()
    for _ in range(2):
        app.test_client().post(
            f"/inbox/ask/tool/{tool.slug}",
            data={"kind": "quote", "message": "Quote?", "name": "N", "email": "n@example.com"},
        )
    vendor = app.test_client()
    AuthActions(vendor).login(make_user("vendor", vendor=tool.vendor))
    page = vendor.get("/leads").get_data(as_text=True)

    section = page.split(f'id="listing-tool-{tool.id}"')[1].split("</section>")[0]
    bars = [int(v) for v in re.findall(r'data-value="(\d+)"', section)]
    weeks = len(starts)
    views_bars, inquiry_bars = bars[:weeks], bars[weeks:]
    brute_views = [
        int(
            db.session.scalar(
                sa.select(sa.func.coalesce(sa.func.sum(ListingView.views), 0)).where(
                    ListingView.kind == "tool",
                    ListingView.listing_id == tool.id,
                    ListingView.day >= start,
                    ListingView.day < start + (starts[1] - starts[0]),
                )
            )
        )
        for start in starts
    ]
    assert views_bars == brute_views and sum(views_bars) == 13
    brute_inquiries = db.session.scalar(
        sa.select(sa.func.count()).select_from(Inquiry).where(Inquiry.tool_id == tool.id)
    )
    assert sum(inquiry_bars) == brute_inquiries == 2 and inquiry_bars[-1] == 2
    cells = re.findall(r"<tr><th scope=\"row\">.*?</th><td>(\d+)</td><td>(\d+)</td></tr>", section)
    assert [(int(v), int(i)) for v, i in cells] == list(zip(views_bars, inquiry_bars, strict=True))

    exported = vendor.get("/leads.csv")
    assert exported.mimetype == "text/csv"
    rows = [
        r
        for r in csv.DictReader(io.StringIO(exported.get_data(as_text=True)))
        if r["slug"] == tool.slug
    ]
    assert [int(r["views"]) for r in rows] == views_bars
    assert [int(r["inquiries"]) for r in rows] == inquiry_bars


@pytest.mark.parametrize(("text", "seconds"), [("0", 0), ("30", 30), ("x", None), ("-1", None)])
def test_flush_interval_is_configurable(text: str, seconds: int | None) -> None:
    environ = {"DX_ENV": "development", "DX_VIEW_FLUSH_SECONDS": text}
    if seconds is None:
        with pytest.raises(ConfigError, match="DX_VIEW_FLUSH_SECONDS"):
            from_environment(environ)
    else:
        assert from_environment(environ)["DX_VIEW_FLUSH_SECONDS"] == seconds
