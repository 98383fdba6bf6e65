"""'Verified in the last 12 months' in search: the page, the CLI and the API agree; stale
listings keep their badge."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from dx_match.catalog.models import Tool
from dx_match.extensions import db
from dx_match.search.docvalues import fresh_since
from dx_match.search.service import SearchService
from tests.search.test_cli import search


def _published() -> list[Tool]:
    return list(db.session.scalars(sa.select(Tool).where(Tool.status == "published")))


def _verify(search_sandbox: SearchService) -> tuple[Tool, Tool, Tool]:
    """Every tool stale except one verified today and one on the last day that counts."""
    today = date.today()
    tools = sorted(_published(), key=lambda t: t.slug)
    for tool in tools:
        tool.verified_at = today - timedelta(days=400)
    recent, boundary, stale = tools[0], tools[1], tools[2]
    recent.verified_at, boundary.verified_at = today, fresh_since(today)
    stale.verified_at = fresh_since(today) - timedelta(days=1)
    db.session.commit()
    search_sandbox.drain()
    return recent, boundary, stale


def test_fresh_filter_on_the_page_the_cli_and_the_api(
    app: Flask, client: FlaskClient, search_sandbox: SearchService
) -> None:
    recent, boundary, stale = _verify(search_sandbox)
    expected = {recent.slug, boundary.slug}
    html = client.get("/tools?fresh=1&lang=en").get_data(as_text=True)
    assert f'/tools/{recent.slug}"' in html and f'/tools/{boundary.slug}"' in html
    assert f'/tools/{stale.slug}"' not in html
    assert "Not verified in the last 12 months" not in html  # nothing stale is listed
    assert {row["slug"] for row in search(app.test_cli_runner(), "", "--fresh")} == expected
    api = client.get("/api/v1/tools?fresh=1&per_page=100").get_json()
    assert {item["slug"] for item in api["items"]} == expected
    assert api["facets"]["fresh"] == {"yes": 2}
    assert not any(item["stale"] for item in api["items"])
    hits = client.get("/api/v1/search?fresh=1&limit=100").get_json()
    assert {row["slug"] for row in hits} == expected


def test_without_the_filter_stale_cards_keep_their_badge_and_the_count_shows(
    client: FlaskClient, search_sandbox: SearchService
) -> None:
    _recent, _boundary, stale = _verify(search_sandbox)
    html = client.get(f"/tools?q={stale.slug}&lang=en").get_data(as_text=True)
    card = html[html.index(f'/tools/{stale.slug}"') :]
    assert "Not verified in the last 12 months" in card[: card.index("</article>")]
    panel = client.get("/tools?lang=en").get_data(as_text=True)
    checkbox = panel[panel.index('name="fresh" value="1"') :]
    assert '<span class="facet-count">(2)' in checkbox[: checkbox.index("</label>")]
