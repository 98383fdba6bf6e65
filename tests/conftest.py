"""Shared fixtures: one database per run (SQLite, or PostgreSQL when DX_TEST_DATABASE_URL is
set) holding the built-in taxonomy and the demo catalog; each test runs inside an outer
transaction that is rolled back, so a service's commit only releases a savepoint."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, g, request_started
from flask.testing import FlaskClient, FlaskCliRunner

from dx_match import create_app
from dx_match.catalog.exchange import import_catalog
from dx_match.cli import DEMO_CATALOG, init_database
from dx_match.extensions import db
from dx_match.search.backends.whoosh_backend import WhooshBackend
from dx_match.search.service import EXTENSION_KEY, SearchService, search_service


def _reset_postgres(url: str) -> None:
    """Start every run from an empty schema, so migrations run from scratch."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database of this test run."""
    url = os.environ.get("DX_TEST_DATABASE_URL")
    if url:
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _forget_login_user(_sender: Flask, **_extra: object) -> None:
    g.pop("_login_user", None)


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The application, with the schema migrated and the demo catalog loaded once."""
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        {
            "DX_ENV": "testing",
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DX_INSTANCE_PATH": str(instance),
            "WTF_CSRF_ENABLED": False,
            # Rate limits have their own tests (tests/test_security.py) on an app of their own.
            "DX_RATE_LIMITS_ENABLED": False,
            # Tests change the catalog inside rolled-back transactions and swap search services:
            # the page cache has its own tests (tests/test_pagecache.py), each with a fresh store.
            "DX_PAGE_CACHE": False,
        }
    )
    # Each test keeps one app context pushed (its database session lives there), and Flask reuses
    # it for the test client's requests: forget the user Flask-Login caches in `g`, as a fresh
    # app context in production would, or one client's log-in would show through another's.
    request_started.connect(_forget_login_user, application)
    with application.app_context():
        init_database()
        report = import_catalog(DEMO_CATALOG)
        assert report.ok, "\n".join(map(str, report.problems[:20]))
        search_service(application).rebuild()
        db.session.remove()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(app: Flask) -> Iterator[None]:
    """Run the test in an outer transaction that is rolled back afterwards."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        db.session.remove()
        db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield
        finally:
            db.session.remove()
            db.session.configure(bind=None)
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner for the `dx-match` commands."""
    return app.test_cli_runner()


@pytest.fixture
def empty_catalog() -> None:
    """Remove every catalog row (inside the test's transaction): an empty database."""
    from dx_match.catalog.models import Course, Subsidy, Tool, Vendor
    from dx_match.taxonomy.models import Term

    for model in (Course, Tool, Subsidy, Vendor):
        for row in db.session.scalars(sa.select(model)):
            db.session.delete(row)
        db.session.flush()
    db.session.execute(sa.delete(Term).where(Term.builtin.is_(False)))
    db.session.flush()


@pytest.fixture
def write_catalog(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write catalog files from dicts or text: write_catalog({"tools.yaml": "..."}) -> dir."""

    def write(files: dict[str, str]) -> Path:
        directory = tmp_path / "catalog"
        directory.mkdir(exist_ok=True)
        for name, content in files.items():
            (directory / name).write_text(content, encoding="utf-8")
        return directory

    return write


@pytest.fixture
def search_sandbox(app: Flask, tmp_path: Path) -> Iterator[SearchService]:
    """A search service on a fresh index of its own, for tests that write to the index.

    The index is files, outside the rolled-back transaction: a test that drains the
    outbox must not leave the shared index out of step with the database.
    """
    original = search_service(app)
    service = SearchService(
        WhooshBackend(tmp_path / "whoosh"),
        tmp_path / "indexer.lock",
        analyzer=original.analyzer,  # building one costs about a second: share it
        synonyms=original.synonyms,
    )
    app.extensions[EXTENSION_KEY] = service
    service.rebuild()
    yield service
    service.backend.close()
    app.extensions[EXTENSION_KEY] = original


#: The password every `make_user` account has unless told otherwise.
PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(app: Flask):  # type: ignore[no-untyped-def]
    """Create a confirmed account: make_user("vendor", email=..., totp=True, active=False)."""
    import pyotp

    from dx_match.accounts.models import TOTP_REQUIRED_ROLES, User
    from dx_match.accounts.services import create_user

    counter = iter(range(1, 10_000))

    def make(
        role: str = "sme",
        *,
        email: str | None = None,
        password: str = PASSWORD,
        totp: bool | None = None,
        confirmed: bool = True,
        active: bool = True,
        organisation_name: str | None = "",
        vendor: object = None,
        locale: str = "en",
    ) -> User:
        number = next(counter)
        user = create_user(
            email=email or f"{role}{number}@example.com",
            password=password,
            role=role,
            display_name=f"{role.title()} {number}",
            organisation_name=(
                f"{role.title()} Org {number}" if organisation_name == "" else organisation_name
            ),
            vendor=vendor,  # type: ignore[arg-type]
            locale=locale,
            confirmed=confirmed,
        )
        if totp if totp is not None else role in TOTP_REQUIRED_ROLES:
            user.totp_secret = pyotp.random_base32()
        user.active = active
        db.session.commit()
        return user

    return make


class AuthActions:
    """Log in and out through the real forms (flaskr's AuthActions), TOTP step included."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, user, password=PASSWORD, remember=False, next=None):  # type: ignore[no-untyped-def]
        """Post the log-in form (and the TOTP code when the account has one); return the response."""
        url = "/account/login" + (f"?next={next}" if next else "")
        data = {"email": user.email, "password": password}
        if remember:
            data["remember"] = "y"
        response = self.client.post(url, data=data)
        if user.totp_secret and response.status_code == 302 and "/login/code" in response.location:
            response = self.client.post(response.location, data={"code": self.next_code(user)})
        return response

    @staticmethod
    def next_code(user) -> str:  # type: ignore[no-untyped-def]
        """A valid code the account has not used yet (the current step, else the next one)."""
        import pyotp

        totp = pyotp.TOTP(user.totp_secret)
        step = totp.timecode(time.time())
        if user.totp_last_step is not None and user.totp_last_step >= step:
            step = user.totp_last_step + 1
        return totp.generate_otp(step)

    def logout(self):  # type: ignore[no-untyped-def]
        """Post the log-out button."""
        return self.client.post("/account/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Log-in helpers on the test client."""
    return AuthActions(client)


@pytest.fixture
def outbox():  # type: ignore[no-untyped-def]
    """The messages queued so far in this test, oldest first."""
    from dx_match.notify.models import OutboxMessage

    def messages(to: str | None = None) -> list[OutboxMessage]:
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if to is not None:
            query = query.where(OutboxMessage.to_address == to)
        return list(db.session.scalars(query))

    return messages


@pytest.fixture(scope="session")
def strict_app(app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """A second app on the same database with CSRF and rate limits ON (tiny limits)."""
    application = create_app(
        {
            "DX_ENV": "testing",
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DX_INSTANCE_PATH": str(tmp_path_factory.mktemp("strict")),
            "WTF_CSRF_ENABLED": True,
            "DX_RATE_LIMITS_ENABLED": True,
            "DX_RATE_LIMITS": {
                "login": "3 per minute",
                "register": "3 per minute",
                "password_reset": "3 per minute",
                "inquiry": "3 per minute",
                "search": "3 per minute",
                "api_token": "3 per minute",
            },
        }
    )
    application.extensions[EXTENSION_KEY] = search_service(app)  # share the built index
    return application
