"""The bad-input corpus over every account form field: never a server error, every rejection
names its field, what was typed is kept, and stored text is shown escaped."""

from __future__ import annotations

from itertools import count
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from dx_match.accounts.models import User
from dx_match.extensions import db
from tests.conftest import PASSWORD, AuthActions

CORPUS = {
    "oversized": "x" * 5000,
    "nul": "a\x00b",
    "lone surrogate": "a\ud800b",  # sent as the raw bytes ED A0 80: not valid UTF-8
    "cjk emoji rtl": "會計ソフト😀 مرحبا\u202e",  # with a right-to-left override
    "script": "<script>alert(1)</script>",
    "sql": "' OR 1=1; DROP TABLE users; --",
}
unique = count(1)


def post_raw(client: FlaskClient, path: str, data: dict[str, str]) -> Any:
    """POST form data byte for byte (lone surrogates become invalid UTF-8, as a hostile client sends)."""
    body = "&".join(
        f"{quote(k)}={quote(v.encode('utf-8', 'surrogatepass'))}" for k, v in data.items()
    )
    return client.post(path, data=body, content_type="application/x-www-form-urlencoded")


def register_data() -> dict[str, str]:
    n = next(unique)
    return {
        "role": "sme",
        "display_name": f"Name {n}",
        "organisation_name": f"Org {n}",
        "email": f"corpus{n}@example.com",
        "password": "a good long password",
    }


#: form -> (path, needs a signed-in user, valid data factory)
FORMS: dict[str, tuple[str, bool, Any]] = {
    "register": ("/account/register", False, register_data),
    "login": ("/account/login", False, lambda: {"email": "x@example.com", "password": "whatever1"}),
    "forgot": ("/account/forgot", False, lambda: {"email": "x@example.com"}),
    "resend": ("/account/confirm/resend", False, lambda: {"email": "x@example.com"}),
    "change email": (
        "/account/email",
        True,
        lambda: {"new_email": f"new{next(unique)}@example.com", "password": PASSWORD},
    ),
    "change password": (
        "/account/password",
        True,
        lambda: {"current_password": PASSWORD, "new_password": "another good password"},
    ),
    "totp setup": ("/account/totp", True, lambda: {"code": "123456"}),
    "totp disable": ("/account/totp/disable", True, lambda: {"password": PASSWORD}),
}
CASES = [
    pytest.param(form, field, name, id=f"{form}-{field}-{name}")
    for form, (_path, _auth, make) in FORMS.items()
    for field in make()
    if field != "role"
    for name in CORPUS
]


@pytest.mark.parametrize(("form", "field", "case"), CASES)
def test_bad_input_never_breaks_a_form(
    app: Flask,
    make_user,
    form: str,
    field: str,
    case: str,  # type: ignore[no-untyped-def]
) -> None:
    path, needs_login, make = FORMS[form]
    client = app.test_client()
    if needs_login:
        AuthActions(client).login(make_user("sme", totp=form == "totp disable"))
    data = {**make(), field: CORPUS[case]}
    response = post_raw(client, path, data)
    assert response.status_code in {200, 302, 422}, response.status_code
    page = response.get_data(as_text=True)
    if response.status_code == 422:
        assert f'id="{field}-error"' in page, f"the rejection does not name {field}"
        for other, value in data.items():
            if other != field and "password" not in other and other != "role":
                assert str(escape(value)) in page, f"{other} was not kept"
    assert "<script>alert(1)</script>" not in page  # whatever happened, shown escaped


@pytest.mark.parametrize("case", ["cjk emoji rtl", "script", "sql", "lone surrogate"])
def test_accepted_text_is_stored_and_shown_escaped(app: Flask, make_user, case: str) -> None:  # type: ignore[no-untyped-def]
    data = {**register_data(), "display_name": CORPUS[case], "organisation_name": CORPUS[case]}
    assert post_raw(app.test_client(), "/account/register", data).status_code == 200
    user = db.session.scalars(sa.select(User).where(User.email == data["email"])).one()
    typed = user.display_name
    typed.encode("utf-8")  # no lone surrogate reached the database
    if case != "lone surrogate":  # werkzeug keeps undecodable bytes as their %XX text
        assert typed == CORPUS[case].strip()
    assert user.organisation is not None and user.organisation.name == typed
    admin = app.test_client()
    AuthActions(admin).login(make_user("admin"))
    page = admin.get("/admin/users", query_string={"q": data["email"]}).get_data(as_text=True)
    assert str(escape(typed)) in page
    if "<" in typed:
        assert typed not in page
