"""The rating sort and the "rated 4 or more" filter, fed by reviews through the search outbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from dx_match.accounts.models import User
from dx_match.catalog.models import Tool
from dx_match.extensions import db
from dx_match.reviews import services
from dx_match.search.docvalues import Filters
from dx_match.search.service import SearchRequest, SearchService


def review(user: User, tool: Tool, overall: int) -> None:
    services.save_review(
        user,
        tool.slug,
        services.ReviewInput(overall, 4, 4, 4, None, "", "en"),
    )


def test_reviews_reach_the_rating_sort_and_filter_through_the_outbox(
    search_sandbox: SearchService,
    client: FlaskClient,
    make_sme: Callable[..., User],
    adopt: Callable[..., Any],
) -> None:
    tools = list(
        db.session.scalars(
            sa.select(Tool).where(Tool.status == "published").order_by(Tool.slug).limit(3)
        )
    )
    best, good, poor = tools
    for tool, ratings in ((best, [5, 5]), (good, [4, 5, 4]), (poor, [2])):
        for overall in ratings:
            user = make_sme()
            adopt(user, tool)
            review(user, tool, overall)
    generation = search_sandbox.generation()
    assert search_sandbox.drain() == 3
    assert search_sandbox.generation() > generation
    rated = search_sandbox.search(SearchRequest(filters=Filters(min_rating=4.0), sort="rating"))
    assert rated.ids == [best.id, good.id]
    assert rated.facets["rating"]["yes"] == 2
    ordered = search_sandbox.search(SearchRequest(sort="rating", per_page=3))
    assert ordered.ids == [best.id, good.id, poor.id]
    page = client.get("/tools?rated=1&sort=rating").get_data(as_text=True)
    assert page.index(f"/tools/{best.slug}") < page.index(f"/tools/{good.slug}")
    assert f'/tools/{poor.slug}"' not in page


def test_cards_and_api_items_show_ratings(
    client: FlaskClient,
    search_sandbox: SearchService,
    make_sme: Callable[..., User],
    adopt: Callable[..., Any],
) -> None:
    tool = db.session.scalars(
        sa.select(Tool).where(Tool.status == "published").order_by(Tool.slug).limit(1)
    ).one()
    for overall in (5, 4):
        user = make_sme()
        adopt(user, tool)
        services.save_review(
            user, tool.slug, services.ReviewInput(overall, 4, 4, 4, None, "", "en")
        )
    search_sandbox.drain()
    html = client.get(f"/tools?q={tool.slug}&lang=en").get_data(as_text=True)
    card = html[html.index(f'/tools/{tool.slug}"') :]
    card = card[: card.index("</article>")]
    assert "<strong>4.5</strong> / 5" in card and "2 reviews" in card
    vendor_page = client.get(f"/vendors/{tool.vendor.slug}?lang=en").get_data(as_text=True)
    card = vendor_page[vendor_page.index(f'/tools/{tool.slug}"') :]
    card = card[: card.index("</article>")]
    assert "<strong>4.5</strong> / 5" in card and "2 reviews" in card  # the vendor's own page too
    items = client.get("/api/v1/tools?per_page=100").get_json()["items"]
    by_slug = {item["slug"]: item for item in items}
    assert (by_slug[tool.slug]["rating"], by_slug[tool.slug]["rating_count"]) == (4.5, 2)
    unrated = next(item for item in items if item["slug"] != tool.slug)
    assert (unrated["rating"], unrated["rating_count"]) == (None, 0)
