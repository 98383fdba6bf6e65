"""Scale-out mode: two `dx-match serve` processes on one PostgreSQL, each with its own instance
folder, the postgres search backend and Redis for rate limits. A log-in on one is valid on the
other, a log-out on one ends the session on both, and a tool edit written beside process A is
found by search through process B once `dx-match search worker` has drained the outbox.

The edit: main has no HTTP route that edits a tool yet (listings are being built), so the test
edits through the narrowest real path: an ORM change in an app built with process A's
environment, which writes the search outbox row in the same commit (the after_flush hook every
listing view will go through). Nothing calls the index directly: only the worker process does.

Runs on the PostgreSQL pass of CI (DX_TEST_DATABASE_URL set), on a database of its own next to
the suite's (`<name>_scaleout`, e.g. `test_scaleout`); skipped on SQLite-only runs.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from dx_match.cli import DEMO_CATALOG
from tests.scaleout.processes import DX_MATCH, Browser, base_env, dx, edit_summary, serving, stop

REDIS_URL = "redis://127.0.0.1:6379/2"
MARKER = "quokkaledger"  # a word no demo tool uses
PASSWORD = "a long enough password 42"
pytestmark = pytest.mark.scaleout


def scaleout_database_url() -> str:
    """A PostgreSQL database of this test's own, created next to the suite's, emptied."""
    suite = os.environ.get("DX_TEST_DATABASE_URL", "")
    if not suite.startswith("postgresql"):
        pytest.skip("scale-out needs PostgreSQL: set DX_TEST_DATABASE_URL (CI's second pass does)")
    url = sa.make_url(suite)
    name = f"{url.database}_scaleout"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    target = url.set(database=name)
    engine = sa.create_engine(target)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    return target.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, str]]]:
    """The environments of processes A and B (same database, secret and Redis; own folders)."""
    url = scaleout_database_url()
    root = tmp_path_factory.mktemp("scaleout")
    common = {
        "DX_ENV": "production",
        "DX_SECRET_KEY": secrets.token_urlsafe(32),
        "DX_DATABASE_URL": url,
        "DX_SEARCH_BACKEND": "postgres",
        "DX_REDIS_URL": REDIS_URL,
    }
    envs = {name: base_env(**common, DX_INSTANCE_PATH=str(root / name)) for name in ("a", "b")}
    dx(envs["a"], "init")
    dx(envs["a"], "import", str(DEMO_CATALOG))
    dx(
        envs["a"],
        "user",
        "create",
        "--role",
        "sme",
        "--email",
        "owner@shop.example",
        "--password-stdin",
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    yield envs


def log_in(browser: Browser) -> None:
    """Log in through the real form (CSRF included)."""
    reply = browser.post_form(
        "/account/login",
        "/account/login",
        {"email": "owner@shop.example", "password": PASSWORD},
    )
    assert reply.status == 302, reply.body[:500]


def test_login_and_search_are_shared_by_two_processes(
    cluster: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    started = time.monotonic()
    with (
        serving(cluster["a"], "--no-indexer", log=tmp_path / "a.log") as (port_a, _a),
        serving(cluster["b"], "--no-indexer", log=tmp_path / "b.log") as (port_b, _b),
    ):
        browser = Browser(port_a)
        assert browser.get("/account/").status == 302  # not logged in yet: to the log-in form
        log_in(browser)
        assert browser.get("/account/").status == 200

        browser.port = port_b  # the same cookie, the other process
        settings = browser.get("/account/")
        assert settings.status == 200, settings.status
        assert "owner@shop.example" in settings.body

        # Search through B before the edit: the marker finds nothing.
        slug = "jadeledger-books"
        assert f"/tools/{slug}" not in browser.get(f"/tools?q={MARKER}&lang=en").body

        edit_summary(cluster["a"], slug, MARKER)
        worker = subprocess.Popen(
            [DX_MATCH, "search", "worker", "--interval", "0.2"],
            env=cluster["a"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 20
            while True:
                page = browser.get(f"/tools?q={MARKER}&lang=en")
                if f"/tools/{slug}" in page.body:
                    break
                assert time.monotonic() < deadline, "B never found the edit"
                time.sleep(0.2)
        finally:
            stop(worker)  # type: ignore[arg-type]
        assert page.status == 200

        # Log out through B: the session token rotates, so A refuses the same cookie too.
        copied = dict(browser.cookies)
        assert browser.post_form("/account/", "/account/logout", {}).status == 302
        other = Browser(port_a, cookies=copied)
        assert other.get("/account/").status == 302
    assert time.monotonic() - started < 60
