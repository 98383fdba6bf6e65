"""`/api/v1/me/...` with personal tokens: auth, scopes, drafts, If-Match, no bypass."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from dx_match.accounts import api_tokens
from dx_match.accounts.models import User
from dx_match.audit.models import AuditEntry
from dx_match.extensions import db
from dx_match.listings import services
from dx_match.listings.models import ListingRevision
from tests.api.conftest import PROBLEM
from tests.listings.conftest import PROVIDER, TOOL, VENDOR, vendor_row

NEW_TOOL = {
    "slug": "quokka-books",
    "name": {"en": "Quokka Books", "ja": "クオッカ帳簿"},
    "functions": ["finance.accounting"],
    "plans": [{"model": "per_user_month", "price": 9, "currency": "USD"}],
}


def token_for(user: User, *scopes: str) -> str:
    """A fresh token's secret with `scopes` (default: everything the role allows)."""
    granted = list(scopes or api_tokens.allowed_scopes(user.role))
    return api_tokens.create(user, "test", granted, 30).secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    body: dict[str, Any] = response.get_json()
    assert body["status"] == status
    return body


@pytest.fixture
def vendor(make_user: Any) -> User:
    user: User = make_user("vendor", vendor=vendor_row(VENDOR))
    return user


@pytest.fixture
def other_vendor(make_user: Any) -> User:
    user: User = make_user("vendor", vendor=vendor_row("jadeledger"))
    return user


def test_me_names_the_account_and_sets_no_cookie(client: FlaskClient, vendor: User) -> None:
    response = client.get("/api/v1/me", headers=bearer(token_for(vendor, "account:read")))
    assert response.status_code == 200
    assert response.get_json()["email"] == vendor.email
    assert response.get_json()["token"]["scopes"] == ["account:read"]
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer dxm_nothere_0123456789", "Bearer garbage"],
)
def test_missing_or_bad_token_is_401_with_a_challenge(
    client: FlaskClient, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/me/listings", headers=headers)
    body = problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="dx_match"')
    assert body["title"] == "Unauthenticated"
    assert "Set-Cookie" not in response.headers


def test_revoked_and_expired_tokens_are_401(client: FlaskClient, vendor: User) -> None:
    new = api_tokens.create(vendor, "ci", ["listings:read"], 30)
    assert client.get("/api/v1/me/listings", headers=bearer(new.secret)).status_code == 200
    api_tokens.revoke(vendor, new.token.id)
    response = client.get("/api/v1/me/listings", headers=bearer(new.secret))
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert problem(response, 401)["detail"] == "revoked token"

    other = api_tokens.create(vendor, "old", ["listings:read"], 30)
    other.token.expires_at = other.token.created_at
    db.session.commit()
    response = client.get("/api/v1/me/listings", headers=bearer(other.secret))
    assert problem(response, 401)["detail"] == "expired token"


def test_a_disabled_account_s_token_is_401(client: FlaskClient, vendor: User) -> None:
    secret = token_for(vendor)
    vendor.active = False
    db.session.commit()
    assert problem(client.get("/api/v1/me", headers=bearer(secret)), 401)


def test_a_token_without_the_scope_is_403(client: FlaskClient, vendor: User) -> None:
    secret = token_for(vendor, "listings:read")
    response = client.post("/api/v1/me/tools", json=NEW_TOOL, headers=bearer(secret))
    problem(response, 403)
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    assert 'scope="listings:write"' in response.headers["WWW-Authenticate"]
    assert db.session.scalar(sa.select(sa.func.count(ListingRevision.id))) == 0


def test_a_session_cookie_does_not_authenticate_the_api(
    client: FlaskClient, auth: Any, vendor: User
) -> None:
    assert auth.login(vendor).status_code == 302
    problem(client.get("/api/v1/me/listings"), 401)
    problem(client.post("/api/v1/me/tools", json=NEW_TOOL), 401)


def test_create_edit_submit_a_tool(client: FlaskClient, vendor: User) -> None:
    headers = bearer(token_for(vendor))
    created = client.post("/api/v1/me/tools", json=NEW_TOOL, headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["revision"]["state"] == "draft"
    assert body["row"]["vendor"] == VENDOR  # the owner is always the token's organisation
    assert created.headers["ETag"] == body["etag"]

    edited = client.put(
        "/api/v1/me/tools/quokka-books",
        json=NEW_TOOL | {"summary": "Books for cafés"},
        headers=headers | {"If-Match": body["etag"]},
    )
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["row"]["summary"] == "Books for cafés"
    assert edited.headers["ETag"] != body["etag"]

    stale = client.put(
        "/api/v1/me/tools/quokka-books",
        json=NEW_TOOL | {"summary": "Lost update"},
        headers=headers | {"If-Match": body["etag"]},
    )
    problem(stale, 412)
    problem(client.put("/api/v1/me/tools/quokka-books", json=NEW_TOOL, headers=headers), 428)

    revision_id = body["revision"]["id"]
    submitted = client.post(f"/api/v1/me/revisions/{revision_id}/submit", headers=headers)
    assert submitted.status_code == 200
    assert submitted.get_json()["state"] == "pending"
    problem(client.post(f"/api/v1/me/revisions/{revision_id}/submit", headers=headers), 409)

    listed = client.get("/api/v1/me/listings", headers=headers).get_json()
    assert {"id": revision_id, "state": "pending"}.items() <= listed["revisions"][0].items()
    assert {"kind": "tool", "slug": TOOL, "status": "published"} in listed["listings"]
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.target_id == "quokka-books")
    ).all()
    assert actions == ["listing.save", "listing.save", "listing.submit"]


def test_editing_a_live_tool_keeps_it_live_and_makes_a_draft(
    client: FlaskClient, vendor: User
) -> None:
    headers = bearer(token_for(vendor))
    current = client.get(f"/api/v1/me/tools/{TOOL}", headers=headers)
    assert current.status_code == 200 and current.get_json()["revision"] is None
    row = current.get_json()["row"] | {"summary": "New summary"}
    edited = client.put(
        f"/api/v1/me/tools/{TOOL}",
        json=row,
        headers=headers | {"If-Match": current.headers["ETag"]},
    )
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["revision"]["state"] == "draft"
    assert services.live_row("tool", TOOL).summary != "New summary"  # type: ignore[union-attr]
    renamed = client.put(
        f"/api/v1/me/tools/{TOOL}",
        json=row | {"slug": "another"},
        headers=headers | {"If-Match": edited.headers["ETag"]},
    )
    assert [e["parameter"] for e in problem(renamed, 422)["errors"]] == ["slug"]


def test_422_names_every_field_like_the_importer(client: FlaskClient, vendor: User) -> None:
    bad = {"slug": "Not A Slug", "functions": ["no.such.code"], "plans": []}
    response = client.post("/api/v1/me/tools", json=bad, headers=bearer(token_for(vendor)))
    errors = problem(response, 422)["errors"]
    assert {"slug", "name", "functions"} <= {error["parameter"] for error in errors}
    assert all(error["in"] == "body" and error["detail"] for error in errors)
    unknown = client.post(
        "/api/v1/me/tools", json=NEW_TOOL | {"colour": "red"}, headers=bearer(token_for(vendor))
    )
    assert [error["parameter"] for error in problem(unknown, 422)["errors"]] == ["colour"]
    problem(client.post("/api/v1/me/tools", json=[1], headers=bearer(token_for(vendor))), 422)


def test_another_vendor_s_listings_are_not_found(
    client: FlaskClient, vendor: User, other_vendor: User
) -> None:
    mine = bearer(token_for(vendor))
    created = client.post("/api/v1/me/tools", json=NEW_TOOL, headers=mine).get_json()
    theirs = bearer(token_for(other_vendor))
    problem(client.get(f"/api/v1/me/tools/{TOOL}", headers=theirs), 404)
    problem(client.get("/api/v1/me/tools/quokka-books", headers=theirs), 404)
    problem(
        client.put(
            f"/api/v1/me/tools/{TOOL}", json=NEW_TOOL | {"slug": TOOL},
            headers=theirs | {"If-Match": "*"},
        ),
        404,
    )  # fmt: skip
    revision = created["revision"]["id"]
    problem(client.post(f"/api/v1/me/revisions/{revision}/submit", headers=theirs), 404)
    taken = client.post("/api/v1/me/tools", json=NEW_TOOL, headers=theirs)
    assert [e["parameter"] for e in problem(taken, 422)["errors"]] == ["slug"]
    listed = client.get("/api/v1/me/listings", headers=theirs).get_json()
    assert TOOL not in {item["slug"] for item in listed["listings"]}
    assert listed["revisions"] == []


def test_a_vendor_cannot_write_courses_and_an_sme_has_no_listing_scope(
    client: FlaskClient, vendor: User, make_user: Any
) -> None:
    headers = bearer(token_for(vendor))
    course = {"slug": "c1", "title": "C", "skills": ["skill.digital_basics"]}
    problem(client.post("/api/v1/me/courses", json=course, headers=headers), 403)
    sme = make_user("sme")
    with pytest.raises(Exception, match="cannot grant"):
        api_tokens.create(sme, "x", ["listings:write"], 30)
    problem(client.get("/api/v1/me/listings", headers=bearer(token_for(sme))), 403)


def test_a_trainer_creates_a_course(client: FlaskClient, make_user: Any) -> None:
    trainer = make_user("trainer", vendor=vendor_row(PROVIDER))
    course = {
        "slug": "api-course",
        "title": {"en": "API course"},
        "skills": ["skill.digital_basics"],
    }
    response = client.post("/api/v1/me/courses", json=course, headers=bearer(token_for(trainer)))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["row"]["provider"] == PROVIDER


def test_an_id_beyond_the_integer_range_is_not_found(client: FlaskClient, vendor: User) -> None:
    # Found by schemathesis on PostgreSQL: the id went to the database and failed there.
    url = f"/api/v1/me/revisions/{2**47}/submit"
    problem(client.post(url, headers=bearer(token_for(vendor))), 404)
