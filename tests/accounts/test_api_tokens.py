"""The /account/tokens page and the token service: secret once, hashed, scoped, revocable."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from dx_match.accounts import api_tokens
from dx_match.accounts.models import ApiToken, User
from dx_match.audit.models import AuditEntry
from dx_match.errors import ValidationFailed
from dx_match.extensions import db
from tests.conftest import PASSWORD
from tests.test_security import csrf_token


def _tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)))


def test_create_on_the_page_shows_the_secret_once_and_stores_its_digest(
    client: FlaskClient, auth: Any, make_user: Any
) -> None:
    user = make_user("vendor")
    auth.login(user)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "listings:write" in page and "clients:read" not in page  # the role's scopes only
    response = client.post(
        "/account/tokens",
        data={"name": "ERP sync", "scopes": ["listings:read", "listings:write"], "lifetime": "30"},
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    (token,) = _tokens(user)
    html = response.get_data(as_text=True)
    secret = html.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith(f"dxm_{token.prefix}_") and len(secret) > 50
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in token.secret_hash and token.scopes == ["listings:read", "listings:write"]
    assert token.expires_at is not None
    assert secret not in client.get("/account/tokens").get_data(as_text=True)  # never again
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "api_token.create")
    ).one()
    assert entry.actor_id == user.id and entry.details["prefix"] == token.prefix
    assert secret not in str(entry.details)


def test_bad_input_is_refused_and_kept(client: FlaskClient, auth: Any, make_user: Any) -> None:
    user = make_user("sme")
    auth.login(user)
    response = client.post(
        "/account/tokens", data={"name": "My script", "scopes": ["listings:write"]}
    )
    assert response.status_code == 422
    assert 'value="My script"' in response.get_data(as_text=True)  # what was typed stays
    assert _tokens(user) == []
    empty = client.post("/account/tokens", data={"name": "", "lifetime": "90"})
    assert empty.status_code == 422 and "Choose at least one scope." in empty.get_data(as_text=True)


def test_service_refuses_scopes_the_role_does_not_allow(make_user: Any) -> None:
    advisor = make_user("advisor")
    assert api_tokens.create(advisor, "crm", ["clients:read"], None).token.expires_at is None
    for scopes in (["listings:write"], [], ["nonsense"]):
        with pytest.raises(ValidationFailed):
            api_tokens.create(advisor, "x", scopes, 30)
    with pytest.raises(ValidationFailed):
        api_tokens.create(advisor, "x", ["clients:read"], 7)  # not an offered lifetime


def test_revoke_on_the_page_is_audited_and_others_tokens_are_not_found(
    client: FlaskClient, auth: Any, make_user: Any
) -> None:
    owner, other = make_user("vendor"), make_user("vendor")
    token = api_tokens.create(owner, "ci", ["listings:read"], 90).token
    auth.login(other)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert api_tokens.state(token) == "active"
    auth.logout()
    auth.login(owner)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    db.session.refresh(token)
    assert api_tokens.state(token) == "revoked"
    assert "Revoked" in client.get("/account/tokens").get_data(as_text=True)
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.target_kind == "api_token")
    ).all()
    assert sorted(actions) == ["api_token.create", "api_token.revoke"]


def test_last_used_is_written_at_most_every_few_minutes(
    client: FlaskClient, make_user: Any
) -> None:
    user = make_user("vendor")
    new = api_tokens.create(user, "ci", ["account:read"], 30)
    headers = {"Authorization": f"Bearer {new.secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.refresh(new.token)
    first = new.token.last_used_at
    assert first is not None
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.refresh(new.token)
    assert new.token.last_used_at == first  # no write within TOUCH_EVERY
    new.token.last_used_at = first - api_tokens.TOUCH_EVERY - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.refresh(new.token)
    assert new.token.last_used_at > first - api_tokens.TOUCH_EVERY


def test_api_is_rate_limited_per_token_and_writes_need_no_csrf(
    strict_app: Flask, make_user: Any
) -> None:
    user = make_user("vendor")
    one = api_tokens.create(user, "one", ["account:read", "listings:write"], 30).secret
    two = api_tokens.create(user, "two", ["account:read"], 30).secret
    client = strict_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.7.7.7"
    codes = [
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {one}"}).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    # Another token from the same address has its own counter.
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {two}"}).status_code == 200
    # A token write passes CSRFProtect (the token is the credential); without one it is a 401.
    client.environ_base["REMOTE_ADDR"] = "10.7.7.8"
    assert client.post("/api/v1/me/tools", json={}).status_code == 401
    assert (
        client.post(
            "/api/v1/me/tools", json={}, headers={"Authorization": f"Bearer {two}"}
        ).status_code
        == 403
    )


def test_the_token_form_needs_its_csrf_token(strict_app: Flask, make_user: Any) -> None:
    user = make_user("sme")
    client = strict_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.7.7.9"
    token = csrf_token(client, "/account/login")
    client.post(
        "/account/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    data = {"name": "x", "scopes": ["account:read"], "lifetime": "30"}
    assert client.post("/account/tokens", data=data).status_code == 400  # CSRFProtect
    assert _tokens(user) == []
    data["csrf_token"] = csrf_token(client, "/account/tokens")
    assert client.post("/account/tokens", data=data).status_code == 200
    assert len(_tokens(user)) == 1
