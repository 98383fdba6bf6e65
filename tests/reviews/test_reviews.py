"""Verified reviews: only recorded, confirmed adopters write them; one per company; moderation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from dx_match.accounts.models import User
from dx_match.audit.models import AuditEntry
from dx_match.catalog.models import Tool
from dx_match.errors import Conflict, NotFound
from dx_match.extensions import db
from dx_match.reviews import queries, services
from dx_match.reviews.models import Review
from dx_match.search.models import SearchOutbox
from tests.conftest import AuthActions

FORM = {
    "overall": "4",
    "ease": "5",
    "value": "3",
    "support": "4",
    "weeks_to_live": "6",
    "body": "Orders reach the kitchen without mistakes.",
    "lang": "en",
}


def data(**changes: Any) -> services.ReviewInput:
    values: dict[str, Any] = {
        "overall": 4,
        "ease": 5,
        "value": 3,
        "support": 4,
        "weeks_to_live": 6,
        "body": "Good",
        "lang": "en",
    }
    return services.ReviewInput(**{**values, **changes})


def login(app: Any, user: User) -> FlaskClient:
    client = app.test_client()
    assert AuthActions(client).login(user).status_code == 302
    return client


def test_without_adoption_the_review_is_refused_with_a_clear_message(
    app: Any, make_sme: Callable[..., User], tool: Tool
) -> None:
    sme = make_sme()
    client = login(app, sme)
    page = client.get(f"/tools/{tool.slug}/review")
    assert page.status_code == 403
    assert "Reviews come from verified adopters" in page.get_data(as_text=True)
    posted = client.post(f"/tools/{tool.slug}/review", data=FORM)
    assert posted.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 0


def test_an_unconfirmed_adoption_does_not_allow_a_review(
    make_sme: Callable[..., User], tool: Tool, adopt: Callable[..., Any]
) -> None:
    sme = make_sme()
    adopt(sme, tool, confirmed=False)
    with pytest.raises(services.ReviewRefused, match="waiting for confirmation"):
        services.save_review(sme, tool.slug, data())


def test_another_organisations_adoption_does_not_count(
    make_sme: Callable[..., User], tool: Tool, adopt: Callable[..., Any]
) -> None:
    adopt(make_sme(), tool)
    with pytest.raises(services.ReviewRefused, match="verified adopters"):
        services.save_review(make_sme(), tool.slug, data())


@pytest.mark.parametrize("role", ["vendor", "advisor", "admin"])
def test_only_sme_members_review(make_user: Callable[..., User], tool: Tool, role: str) -> None:
    with pytest.raises(services.ReviewRefused):
        services.save_review(make_user(role), tool.slug, data())


def test_reviewing_twice_edits_the_one_review(
    app: Any, make_sme: Callable[..., User], tool: Tool, adopt: Callable[..., Any]
) -> None:
    sme = make_sme(industry="I56", employees=12)
    adopt(sme, tool)
    client = login(app, sme)
    assert client.post(f"/tools/{tool.slug}/review", data=FORM).status_code == 302
    form = client.get(f"/tools/{tool.slug}/review").get_data(as_text=True)
    assert "Orders reach the kitchen" in form  # the second visit edits the first review
    again = {**FORM, "overall": "2", "body": "Support got slow."}
    assert client.post(f"/tools/{tool.slug}/review", data=again).status_code == 302
    reviews = list(db.session.scalars(sa.select(Review).where(Review.tool_id == tool.id)))
    assert [(r.overall, r.body, r.industry_section, r.size_band) for r in reviews] == [
        (2, "Support got slow.", "I", "10-29")
    ]
    assert db.session.scalar(sa.select(SearchOutbox.id).where(SearchOutbox.tool_id == tool.id))


def test_bad_ratings_are_refused_and_what_was_typed_stays(
    app: Any, make_sme: Callable[..., User], tool: Tool, adopt: Callable[..., Any]
) -> None:
    sme = make_sme()
    adopt(sme, tool)
    client = login(app, sme)
    page = client.post(
        f"/tools/{tool.slug}/review", data={**FORM, "overall": "9", "weeks_to_live": "-1"}
    )
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Orders reach the kitchen without mistakes." in text
    assert "Give a number of weeks from 0 to 520." in text
    with pytest.raises(services.FieldProblem):
        services.save_review(sme, tool.slug, data(support=0))


def test_the_tool_page_shows_the_verified_review_without_the_company_name(
    client: FlaskClient, make_sme: Callable[..., User], tool: Tool, adopt: Callable[..., Any]
) -> None:
    sme = make_sme(industry="I56", employees=12, organisation_name="Secret Noodles Ltd")
    adopt(sme, tool)
    services.save_review(sme, tool.slug, data(body="Quick to learn"))
    page = client.get(f"/tools/{tool.slug}").get_data(as_text=True)
    assert "Verified adopter" in page and "Quick to learn" in page
    assert "10–29 staff" in page
    assert "Secret Noodles Ltd" not in page
    services.save_review(sme, tool.slug, data(body="Quick to learn", show_name=True))
    assert "Secret Noodles Ltd" in client.get(f"/tools/{tool.slug}").get_data(as_text=True)


def test_hiding_removes_a_review_from_pages_and_aggregates(
    *,
    app: Any,
    client: FlaskClient,
    make_user: Callable[..., User],
    make_sme: Callable[..., User],
    tool: Tool,
    adopt: Callable[..., Any],
) -> None:
    kept, spam = make_sme(), make_sme()
    for user, overall, body in ((kept, 4, "Solid"), (spam, 1, "BUY CHEAP WATCHES")):
        adopt(user, tool)
        services.save_review(user, tool.slug, data(overall=overall, body=body))
    assert queries.tool_ratings(tool.id).overall == 2.5
    reporter = make_user("sme")
    review = db.session.scalars(sa.select(Review).where(Review.body == "BUY CHEAP WATCHES")).one()
    reporting = login(app, reporter)
    assert reporting.post(f"/reviews/{review.id}/report", data={"reason": ""}).status_code == 422
    assert (
        reporting.post(f"/reviews/{review.id}/report", data={"reason": "Spam"}).status_code == 302
    )
    admin = make_user("admin")
    moderating = login(app, admin)
    queue = moderating.get("/admin/reviews").get_data(as_text=True)
    assert "BUY CHEAP WATCHES" in queue and "Spam" in queue
    assert (
        moderating.post(f"/admin/reviews/{review.id}/hide", data={"reason": ""}).status_code == 422
    )
    assert (
        moderating.post(f"/admin/reviews/{review.id}/hide", data={"reason": "Spam"}).status_code
        == 302
    )
    assert queries.tool_ratings(tool.id).overall == 4
    assert queries.ratings_by_tool([tool.id]) == {tool.id: (4.0, 1)}
    assert "BUY CHEAP WATCHES" not in client.get(f"/tools/{tool.slug}").get_data(as_text=True)
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "review.hide")
    ).one()
    assert entry.details["reason"] == "Spam" and entry.target_id == str(review.id)
    with pytest.raises(NotFound):
        services.report(reporter, review.id, "again")
    assert (
        moderating.post(f"/admin/reviews/{review.id}/unhide", data={"reason": "Appeal"}).status_code
        == 302
    )
    assert queries.tool_ratings(tool.id).overall == 2.5


def test_the_vendor_replies_once(
    *,
    app: Any,
    client: FlaskClient,
    make_user: Callable[..., User],
    make_sme: Callable[..., User],
    vendor_user: User,
    tool: Tool,
    adopt: Callable[..., Any],
) -> None:
    sme = make_sme()
    adopt(sme, tool)
    review = services.save_review(sme, tool.slug, data())
    other_vendor = make_user("vendor")
    assert (
        login(app, other_vendor)
        .post(f"/reviews/{review.id}/reply", data={"body": "Hi"})
        .status_code
        == 404
    )
    vendor = login(app, vendor_user)
    assert vendor.post(f"/reviews/{review.id}/reply", data={"body": ""}).status_code == 422
    assert (
        vendor.post(f"/reviews/{review.id}/reply", data={"body": "Thank you!"}).status_code == 302
    )
    assert "Thank you!" in client.get(f"/tools/{tool.slug}").get_data(as_text=True)
    with pytest.raises(Conflict):
        services.reply(vendor_user, review.id, "Once more")
    assert vendor.post(f"/reviews/{review.id}/reply", data={"body": "Again"}).status_code == 409
    db.session.refresh(review)
    assert review.reply_body == "Thank you!"


def test_the_tool_page_query_count_does_not_grow_with_its_reviews(
    client: FlaskClient, make_sme: Callable[..., User], tool: Tool, adopt: Callable[..., Any]
) -> None:
    def statements_for_page() -> int:
        seen: list[str] = []

        def count(*args: Any) -> None:
            # The view counter's flush runs when its interval is due, and savepoints come
            # and go with the test's transaction: neither belongs to the page's own reads.
            statement = str(args[2])
            if "listing_views" not in statement and "SAVEPOINT" not in statement:
                seen.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(f"/tools/{tool.slug}").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    def add_reviews(n: int) -> None:
        for _ in range(n):
            user = make_sme()
            adopt(user, tool)
            services.save_review(user, tool.slug, data(show_name=True))

    add_reviews(2)
    first = statements_for_page()
    add_reviews(6)
    assert statements_for_page() <= first
