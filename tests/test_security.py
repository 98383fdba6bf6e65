"""The security baseline: CSP with a nonce, cookie flags, revoked sessions, CSRF, rate limits,
safe redirects, sanitised Markdown, generic error pages, the SQLite pragmas."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from dx_match import create_app
from dx_match.errors import ConfigError
from dx_match.extensions import db, limiter
from dx_match.security import safe_next
from dx_match.templating import render_markdown
from tests.conftest import PASSWORD

TEST_REDIS = "redis://127.0.0.1:6379/1"  # this project's Redis db for tests
PAGES = [
    "/",
    "/tools",
    "/subsidies",
    "/courses",
    "/account/login",
    "/account/register",
    "/account/forgot",
    "/compare?t=x",
]


class ScriptAudit(HTMLParser):
    """Collects inline scripts (without src) and inline event handlers or style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        self.handlers += [
            f"{tag}[{name}]" for name, _ in attrs if name.startswith("on") or name == "style"
        ]


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on `path`."""
    found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).data)
    assert found, path
    return found.group(1).decode()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_nonce_csp_and_no_inline_script(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([\w-]{16,})'", csp)
    assert nonce, csp
    assert (
        "default-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
        and "unsafe-inline" not in csp
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    audit = ScriptAudit()
    audit.feed(response.get_data(as_text=True))
    assert audit.handlers == []
    for script in audit.scripts:
        assert script.get("src") == "/static/js/site.js" or script.get("nonce") == nonce.group(1)


def test_the_nonce_changes_on_every_response(client: FlaskClient) -> None:
    first, second = (client.get("/").headers["Content-Security-Policy"] for _ in range(2))
    assert first != second


@pytest.fixture(scope="module")
def production_app(
    app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Flask:
    return create_app(
        {
            "DX_ENV": "production",
            "DX_SECRET_KEY": "a-long-random-production-secret-for-this-test-only",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DX_INSTANCE_PATH": str(tmp_path_factory.mktemp("production")),
            "WTF_CSRF_ENABLED": False,
            "DX_RATE_LIMITS_ENABLED": False,
        }
    )


def test_production_cookies_are_secure_httponly_lax(production_app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme")
    client = production_app.test_client()
    response = client.post(
        "/account/login",
        data={"email": user.email, "password": PASSWORD, "remember": "y"},
        base_url="https://localhost",
    )
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    assert set(cookies) >= {"session", "remember_token"}
    for name in ("session", "remember_token"):
        flags = cookies[name].lower()
        assert "secure" in flags and "httponly" in flags and "samesite=lax" in flags, cookies[name]
    assert (
        "Max-Age=1209600" in cookies["remember_token"]
        or "expires" in cookies["remember_token"].lower()
    )
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_has_no_default_accounts(production_app: Flask) -> None:
    runner = production_app.test_cli_runner()
    with production_app.app_context():
        from dx_match.accounts.demo import ensure_demo_users

        with pytest.raises(ConfigError):
            ensure_demo_users("production")
    assert runner is not None


@pytest.mark.parametrize("how", ["logout", "password change"])
def test_a_captured_session_cookie_stops_working(app: Flask, make_user, auth, how: str) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme")
    auth.login(user, remember=True)
    captured = {name: auth.client.get_cookie(name).value for name in ("session", "remember_token")}
    if how == "logout":
        assert auth.logout().status_code == 302
    else:
        response = auth.client.post(
            "/account/password",
            data={"current_password": PASSWORD, "new_password": "new password 2"},
        )
        assert response.status_code == 302
    for name, value in captured.items():
        thief = app.test_client()
        thief.set_cookie(name, value)
        assert thief.get("/account/").status_code == 302, f"{name} still works after {how}"


def test_get_never_logs_out(client: FlaskClient, make_user, auth) -> None:  # type: ignore[no-untyped-def]
    auth.login(make_user("sme"))
    assert client.get("/account/logout").status_code == 405
    assert client.get("/account/").status_code == 200


@pytest.mark.parametrize(
    ("target", "allowed"),
    [
        ("/subsidies", True),
        ("/tools?q=crm&page=2", True),
        ("https://evil.example/", False),
        ("//evil.example/", False),
        ("/\\evil.example", False),
        ("\\\\evil.example", False),
        ("javascript:alert(1)", False),
        ("http:/evil.example", False),
        ("/ok\r\nSet-Cookie: x=1", False),
        ("", False),
    ],
)
def test_safe_next(target: str, allowed: bool) -> None:
    assert (safe_next(target) == target) is allowed


def test_login_refuses_a_foreign_next(client: FlaskClient, make_user, auth) -> None:  # type: ignore[no-untyped-def]
    response = auth.login(make_user("sme"), next="https://evil.example/")
    assert response.status_code == 302 and response.location == "/account/"


def test_csrf_is_on_for_every_post_when_enabled(strict_app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme")
    client = strict_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.2.2.2"
    refused = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 400 and b"Traceback" not in refused.data
    token = csrf_token(client, "/account/login")
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/account/login", data=data).status_code == 302
    assert client.post("/account/logout").status_code == 400  # logged in, but no token
    assert client.get("/account/").status_code == 200


def test_rate_limit_on_login_answers_429(strict_app: Flask) -> None:
    # Limits count per client address; each test uses its own so they do not add up.
    client = strict_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    token = csrf_token(client, "/account/login")
    data = {"email": "nobody@example.com", "password": "wrong password", "csrf_token": token}
    codes = [client.post("/account/login", data=data).status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]
    assert client.get("/account/login").status_code == 200  # showing the form is free


def test_rate_limit_on_search(strict_app: Flask) -> None:
    client = strict_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.3.3.3"
    codes = [client.get("/tools").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


@pytest.fixture
def redis_limited_app(
    app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """An app whose limiter counts in Redis (db 1). Flask-Limiter keeps its storage on the
    process-wide extension, so the storage in use before is put back afterwards."""
    connection = redis.Redis.from_url(TEST_REDIS)
    connection.flushdb()
    saved = (limiter._storage, limiter._limiter)
    application = create_app(
        {
            "DX_ENV": "testing",
            "DX_REDIS_URL": TEST_REDIS,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DX_INSTANCE_PATH": str(tmp_path_factory.mktemp("redis")),
            "WTF_CSRF_ENABLED": False,
            "DX_RATE_LIMITS": {
                "login": "2 per minute",
                "register": "2 per minute",
                "password_reset": "2 per minute",
                "inquiry": "2 per minute",
                "search": "2 per minute",
            },
        }
    )
    yield application
    limiter._storage, limiter._limiter = saved
    connection.flushdb()


def test_rate_limits_count_in_redis_when_configured(redis_limited_app: Flask) -> None:
    assert redis_limited_app.config["RATELIMIT_STORAGE_URI"] == TEST_REDIS
    data = {"email": "nobody@example.com", "password": "wrong password"}
    # Two "workers" (clients of one process here) share the counter through Redis.
    first, second = redis_limited_app.test_client(), redis_limited_app.test_client()
    codes = [
        first.post("/account/forgot", data=data).status_code,
        second.post("/account/forgot", data=data).status_code,
        first.post("/account/forgot", data=data).status_code,
    ]
    assert codes == [200, 200, 429]
    assert redis.Redis.from_url(TEST_REDIS).dbsize() > 0


def test_oversized_request_body_is_refused_cleanly(client: FlaskClient) -> None:
    response = client.post("/account/login", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413 and b"Traceback" not in response.data


@pytest.mark.parametrize(
    "markdown",
    [
        "[x](javascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        "[x](ftp://example.com/file)",
        "[x](mailto:someone@example.com)",
        "<ftp://example.com/autolink>",
        "![img](ftp://example.com/a.png)",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="https://example.com" onclick="steal()">x</a>',
    ],
)
def test_user_markdown_is_sanitised_and_links_are_http_only(markdown: str) -> None:
    audit = ScriptAudit()
    links: list[str] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            links.extend(v or "" for k, v in attrs if k in {"href", "src"})

    html = str(render_markdown(markdown))
    audit.feed(html)
    Links().feed(html)
    assert audit.scripts == [] and audit.handlers == []
    assert all(link.startswith(("http://", "https://")) for link in links), html


def test_markdown_keeps_http_links() -> None:
    html = str(render_markdown("[site](https://example.com/a)"))
    assert 'href="https://example.com/a"' in html and "noopener" in html


def test_error_pages_show_no_traceback(
    tmp_path_factory: pytest.TempPathFactory, database_url: str
) -> None:
    application = create_app(
        {
            "DX_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DX_INSTANCE_PATH": str(tmp_path_factory.mktemp("boom")),
        }
    )

    @application.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internal detail")

    application.config["TESTING"] = False  # let the handler answer instead of re-raising
    application.logger.disabled = True
    response = application.test_client().get("/boom")
    assert response.status_code == 500
    assert b"secret internal detail" not in response.data and b"Traceback" not in response.data


def test_sqlite_pragmas_are_checked_at_start_up(app: Flask) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")  # PostgreSQL has no such pragmas; CI's second pass
    from dx_match.db import check_sqlite_pragmas

    check_sqlite_pragmas(db.engine)  # the app started, so this holds; and it would refuse:
    import sqlalchemy as sa

    bare = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)

    @sa.event.listens_for(bare, "connect")
    def undo(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    with pytest.raises(ConfigError, match="busy_timeout"):
        check_sqlite_pragmas(bare)
