"""Every account page renders in each UI language, with a title, labelled fields and no
untranslated English left in the form labels."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

ANONYMOUS_PAGES = ["/account/login", "/account/register", "/account/forgot"]
SIGNED_IN_PAGES = ["/account/", "/account/totp"]
LOG_IN = {"zh-TW": "登入", "ja": "ログイン", "en": "Log in"}


def assert_accessible_form(html: str) -> None:
    """Every visible input has a label pointing at it."""
    ids = re.findall(r'<input(?![^>]*type="(?:hidden|submit|radio)")[^>]*\bid="([^"]+)"', html)
    for input_id in ids:
        assert f'for="{input_id}"' in html, f"input {input_id} has no label"
    # Every aria-describedby names elements that exist; no attribute renders Python's None.
    assert not re.search(r'\saria-[a-z]+="None"', html)
    for described in re.findall(r'aria-describedby="([^"]*)"', html):
        for target in described.split():
            assert re.search(rf'\sid="{re.escape(target)}"', html), f"no element {target}"


@pytest.mark.parametrize("lang", ["zh-TW", "ja", "en"])
@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_pages_render(client: FlaskClient, path: str, lang: str) -> None:
    response = client.get(path, query_string={"lang": lang})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r"<title>[^<]+ · dx_match</title>", html)
    assert f'<html lang="{lang}">' in html and LOG_IN[lang] in html
    assert_accessible_form(html)


@pytest.mark.parametrize("lang", ["zh-TW", "ja", "en"])
@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_pages_render(client: FlaskClient, make_user, auth, path: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    auth.login(make_user("sme"))
    response = client.get(path, query_string={"lang": lang})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and re.search(r"<title>[^<]+ · dx_match</title>", html)
    assert_accessible_form(html)


def test_errors_are_tied_to_their_fields(client: FlaskClient) -> None:
    html = client.post("/account/register", data={"email": "not an address"}).get_data(as_text=True)
    for field in ("email", "password", "display_name"):
        assert re.search(
            rf'<input[^>]*aria-describedby="[^"]*{field}-error[^"]*"[^>]*id="{field}"', html
        ) or re.search(
            rf'<input[^>]*id="{field}"[^>]*aria-describedby="[^"]*{field}-error', html
        ), field
        assert f'id="{field}-error"' in html
    assert 'aria-invalid="true"' in html


def test_admin_users_page(client: FlaskClient, make_user, auth) -> None:  # type: ignore[no-untyped-def]
    admin = make_user("admin")
    vendor = make_user("vendor")
    auth.login(admin)
    html = client.get("/admin/users", query_string={"q": vendor.email}).get_data(as_text=True)
    assert vendor.email in html and admin.email not in html.split("<tbody>")[1]
