"""Account journeys through the real pages: register, confirm, log in, reset, change, TOTP."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from freezegun import freeze_time

from dx_match.accounts.models import User
from dx_match.db import utcnow
from dx_match.extensions import db
from tests.conftest import PASSWORD

LINK = re.compile(r"http://localhost(/account/\S+)")


def link_in(message) -> str:  # type: ignore[no-untyped-def]
    """The site path of the link in a mail."""
    found = LINK.search(message.text_body)
    assert found, message.text_body
    return found.group(1)


def signed_in(client: FlaskClient) -> bool:
    return client.get("/account/").status_code == 200


def test_register_confirm_login(client: FlaskClient, outbox) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/account/register?lang=ja",
        data={
            "role": "vendor",
            "display_name": "山田 花子",
            "organisation_name": "山田ソフト株式会社",
            "email": "Hanako@Example.JP",
            "password": "eight888",
        },
    )
    assert response.status_code == 200
    user = db.session.scalars(sa.select(User).where(User.email == "hanako@example.jp")).one()
    assert user.role == "vendor" and user.locale == "ja" and user.email_confirmed_at is None
    assert user.organisation is not None and user.organisation.kind == "vendor"
    assert user.password_hash.startswith("scrypt:") and "eight888" not in user.password_hash
    [mail] = outbox("hanako@example.jp")
    assert mail.template == "confirm_email" and mail.locale == "ja"
    assert "メールアドレス" in mail.subject  # in the recipient's language

    # Not confirmed yet: log-in is refused on the e-mail field, with a resend button.
    refused = client.post("/account/login", data={"email": user.email, "password": "eight888"})
    assert refused.status_code == 422 and b'id="email-error"' in refused.data
    assert b"/account/confirm/resend" in refused.data

    path = link_in(mail)
    page = client.get(path)
    assert page.status_code == 200 and user.email_confirmed_at is None  # GET changes nothing
    assert client.post(path).status_code == 302
    assert user.email_confirmed_at is not None

    response = client.post(
        "/account/login", data={"email": "HANAKO@example.jp", "password": "eight888"}
    )
    assert response.status_code == 302 and signed_in(client)


@pytest.mark.parametrize("role", ["sme", "trainer", "advisor"])
def test_register_roles_get_matching_organisation_kind(client: FlaskClient, role: str) -> None:
    data = {
        "role": role,
        "display_name": "A",
        "organisation_name": "Org",
        "email": f"{role}@example.org",
    }
    client.post("/account/register", data={**data, "password": "long enough"})
    user = db.session.scalars(sa.select(User).where(User.email == f"{role}@example.org")).one()
    assert user.organisation is not None
    assert (
        user.organisation.kind == {"sme": "sme", "trainer": "training", "advisor": "advisory"}[role]
    )


def test_register_cannot_choose_admin(client: FlaskClient) -> None:
    data = {
        "role": "admin",
        "display_name": "A",
        "email": "a@example.org",
        "password": "long enough",
    }
    response = client.post("/account/register", data=data)
    assert response.status_code == 422 and b'id="role-error"' in response.data
    assert db.session.scalars(sa.select(User).where(User.email == "a@example.org")).first() is None


def test_register_with_a_known_address_reveals_nothing_and_tells_the_owner(
    client: FlaskClient,
    make_user,
    outbox,  # type: ignore[no-untyped-def]
) -> None:
    user = make_user("sme")
    data = {"role": "sme", "display_name": "B", "email": user.email, "password": "other password"}
    response = client.post("/account/register", data=data)
    assert response.status_code == 200 and b"Check your e-mail" in response.data
    assert [m.template for m in outbox(user.email)] == ["already_registered"]


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("1234567", False),  # 7 characters
        ("12345678", True),  # 8, no composition rules
        ("aaaaaaaa", True),
        ("パスワードは八文字", True),  # 9 CJK characters
        ("a long passphrase with spaces " * 30, True),  # 900 characters
        ("x" * 1001, False),
    ],
)
def test_password_length_rule(client: FlaskClient, password: str, accepted: bool) -> None:
    data = {"role": "sme", "display_name": "P", "email": "p@example.org", "password": password}
    response = client.post("/account/register", data=data)
    created = db.session.scalars(sa.select(User).where(User.email == "p@example.org")).first()
    assert (created is not None) is accepted
    if not accepted:
        assert response.status_code == 422 and b'id="password-error"' in response.data


@pytest.mark.parametrize("case", ["wrong password", "unknown address"])
def test_login_failure_does_not_say_which(client: FlaskClient, make_user, case: str) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme")
    email = user.email if case == "wrong password" else "nobody@example.com"
    response = client.post("/account/login", data={"email": email, "password": "not it at all"})
    assert response.status_code == 422
    assert b"The e-mail address or the password is not right." in response.data
    assert email.encode() in response.data  # what was typed is kept
    assert not signed_in(client)


def test_disabled_account_cannot_log_in(client: FlaskClient, make_user, auth) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme", active=False)
    response = auth.login(user)
    assert response.status_code == 422 and b"disabled" in response.data
    assert not signed_in(client)


def test_login_starts_a_new_session_and_honours_a_safe_next(
    client: FlaskClient, make_user, auth
) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    response = auth.login(user, next="/subsidies")
    assert response.status_code == 302 and response.location == "/subsidies"
    with client.session_transaction() as session:
        assert "planted" not in session


def test_reset_password_link_works_once_and_ends_sessions(
    app,
    make_user,
    auth,
    outbox,  # type: ignore[no-untyped-def]
) -> None:
    user = make_user("sme")
    other_device = app.test_client()
    auth.login(user)
    type(auth)(other_device).login(user)
    assert signed_in(other_device)

    anonymous = app.test_client()
    assert anonymous.post("/account/forgot", data={"email": user.email}).status_code == 200
    assert (
        anonymous.post("/account/forgot", data={"email": "nobody@example.org"}).status_code == 200
    )
    [mail] = [m for m in outbox(user.email) if m.template == "reset_password"]
    assert outbox("nobody@example.org") == []
    path = link_in(mail)

    assert anonymous.get(path).status_code == 200
    short = anonymous.post(path, data={"password": "short"})
    assert short.status_code == 422 and b'id="password-error"' in short.data
    assert anonymous.post(path, data={"password": "a brand new password"}).status_code == 302
    assert not signed_in(other_device)  # every session ended
    assert auth.login(user, password="a brand new password").status_code == 302

    again = anonymous.post(path, data={"password": "yet another password"})
    assert again.status_code == 400 and b"already been used" in again.data
    assert auth.login(user, password="yet another password").status_code == 422


def test_reset_link_expires_after_an_hour(client: FlaskClient, make_user, outbox) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme")
    client.post("/account/forgot", data={"email": user.email})
    path = link_in(outbox(user.email)[-1])
    with freeze_time(utcnow() + timedelta(minutes=61)):
        response = client.post(path, data={"password": "a brand new password"})
    assert response.status_code == 400 and b"expired" in response.data
    assert auth_ok(user, PASSWORD)


def auth_ok(user: User, password: str) -> bool:
    from dx_match.accounts.passwords import verify_password

    return verify_password(user.password_hash, password)


def test_tampered_reset_link_is_refused(client: FlaskClient) -> None:
    response = client.get("/account/reset/eyJ1IjoxLCJwIjoiMDAwMCJ9.forged.signature")
    assert response.status_code == 400


def test_change_password_needs_the_current_one_and_keeps_this_session(
    client: FlaskClient,
    make_user,
    auth,
    outbox,  # type: ignore[no-untyped-def]
) -> None:
    user = make_user("sme")
    auth.login(user)
    wrong = client.post(
        "/account/password", data={"current_password": "guess", "new_password": "new password 1"}
    )
    assert wrong.status_code == 422 and b'id="current_password-error"' in wrong.data
    ok = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "new password 1"}
    )
    assert ok.status_code == 302 and signed_in(client)
    assert auth_ok(user, "new password 1")
    assert [m.template for m in outbox(user.email)] == ["password_changed"]


def test_change_email_takes_effect_only_from_the_new_mailbox(
    client: FlaskClient,
    make_user,
    auth,
    outbox,  # type: ignore[no-untyped-def]
) -> None:
    user = make_user("sme")
    old = user.email
    taken = make_user("vendor").email
    auth.login(user)
    clash = client.post("/account/email", data={"new_email": taken, "password": PASSWORD})
    assert clash.status_code == 422 and b'id="new_email-error"' in clash.data
    assert (
        client.post(
            "/account/email", data={"new_email": "new@example.org", "password": PASSWORD}
        ).status_code
        == 200
    )
    assert user.email == old
    path = link_in(outbox("new@example.org")[-1])
    assert client.post(path).status_code == 302
    assert user.email == "new@example.org"
    assert [m.template for m in outbox(old)] == ["email_changed"]
    assert client.post(path).status_code == 400  # spent


def test_email_and_password_changes_need_a_fresh_login(app, make_user, auth) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme")
    auth.login(user, remember=True)
    remembered = app.test_client()
    remembered.set_cookie("remember_token", auth.client.get_cookie("remember_token").value)
    assert signed_in(remembered)  # restored from the remember-me cookie: not fresh
    response = remembered.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "new password 1"}
    )
    assert response.status_code == 302 and "/account/login" in response.location
    assert auth_ok(user, PASSWORD)


def test_totp_setup_then_login_needs_the_code(client: FlaskClient, make_user, auth) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme")
    auth.login(user)
    page = client.get("/account/totp")
    assert page.status_code == 200 and b"<svg" in page.data and b"otpauth://totp/" in page.data
    with client.session_transaction() as session:
        secret = session["totp_setup_secret"]
    bad = client.post("/account/totp", data={"code": "000000"})
    assert bad.status_code == 422 and b'id="code-error"' in bad.data
    assert client.post("/account/totp", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert user.totp_secret == secret
    auth.logout()

    step_one = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert "/account/login/code" in step_one.location and not signed_in(client)
    assert client.post("/account/login/code", data={"code": "123456"}).status_code == 422
    # The code used at set-up cannot be replayed; the next one works.
    code = auth.next_code(user)
    assert client.post("/account/login/code", data={"code": code}).status_code == 302
    assert signed_in(client)


def test_advisors_and_admins_set_up_totp_before_anything_else(
    client: FlaskClient, make_user, auth
) -> None:  # type: ignore[no-untyped-def]
    user = make_user("advisor", totp=False)
    response = auth.login(user)
    assert response.location.endswith("/account/totp")
    assert client.get("/account/").location.endswith("/account/totp")
    assert client.get("/subsidies").location.endswith("/account/totp")
    with client.session_transaction() as session:
        secret = session.get("totp_setup_secret") or ""
    if not secret:
        client.get("/account/totp")
        with client.session_transaction() as session:
            secret = session["totp_setup_secret"]
    client.post("/account/totp", data={"code": pyotp.TOTP(secret).now()})
    assert client.get("/subsidies").status_code == 200


def test_advisors_cannot_turn_totp_off(client: FlaskClient, make_user, auth) -> None:  # type: ignore[no-untyped-def]
    user = make_user("advisor")
    auth.login(user)
    assert client.post("/account/totp/disable", data={"password": PASSWORD}).status_code == 403
    assert user.totp_secret


def test_admin_disables_an_account_and_its_sessions_end(app, make_user, auth) -> None:  # type: ignore[no-untyped-def]
    admin = make_user("admin")
    victim = make_user("vendor")
    victim_client = app.test_client()
    type(auth)(victim_client).login(victim)
    assert signed_in(victim_client)
    auth.login(admin)
    listing = auth.client.get("/admin/users")
    assert listing.status_code == 200 and victim.email.encode() in listing.data
    response = auth.client.post(f"/admin/users/{victim.id}/active", data={"active": "0"})
    assert response.status_code == 302 and not victim.active
    assert not signed_in(victim_client)
    auth.client.post(f"/admin/users/{victim.id}/active", data={"active": "1"})
    assert victim.active
    assert (
        auth.client.post(f"/admin/users/{admin.id}/active", data={"active": "0"}).status_code == 403
    )
