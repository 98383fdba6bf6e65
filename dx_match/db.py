"""The declarative base, the constraint naming convention and SQLite connection settings."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """The one declarative base of every model."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    registry = sa.orm.registry(
        metadata=metadata, type_annotation_map={datetime: sa.DateTime(timezone=True)}
    )


class TimestampMixin:
    """Creation and update times, set by the database session, never by hand."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DxSession(FlaskSession):
    """Flask-SQLAlchemy's session, except that an explicit bind wins.

    Tests bind the session to one connection holding an outer transaction
    (rolled back after each test); Flask-SQLAlchemy would otherwise pick its
    engine and escape that transaction.
    """

    def get_bind(
        self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any
    ) -> Any:
        """Return the explicitly configured bind if there is one."""
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    """Let SQLAlchemy, not pysqlite, issue BEGIN; enforce foreign keys; wait on locks."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # pysqlite's own transaction handling breaks SAVEPOINTs (SQLAlchemy's documented recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def check_sqlite_pragmas(engine: sa.Engine) -> None:
    """Refuse to start on SQLite without WAL (or an in-memory journal), a busy timeout and FKs."""
    from dx_match.errors import ConfigError

    if engine.dialect.name != "sqlite":
        return
    # A raw connection: no BEGIN (IMMEDIATE would take the write lock just to read pragmas).
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        journal, timeout, foreign_keys = (
            cursor.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "busy_timeout", "foreign_keys")
        )
        cursor.close()
    finally:
        raw.close()
    if journal not in {"wal", "memory"} or not timeout or foreign_keys != 1:
        raise ConfigError(
            f"SQLite must run with journal_mode=WAL, a busy_timeout and foreign_keys=ON "
            f"(found journal_mode={journal}, busy_timeout={timeout}, foreign_keys={foreign_keys})"
        )


#: Requests that never change state (the app's rule, held by the authorization matrix tests).
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: POST endpoints that only compute an answer from the body (no state, no credentials used):
#: they need no CSRF token (api/views.py) and take no write lock, like GETs.
READ_ONLY_POSTS: set[str] = set()


def _reads_only() -> bool:
    """Whether this transaction belongs to a request that only reads."""
    from flask import has_request_context, request

    return has_request_context() and (
        request.method in READ_ONLY_METHODS or request.endpoint in READ_ONLY_POSTS
    )


@sa.event.listens_for(sa.engine.Engine, "begin")
def _sqlite_on_begin(conn: sa.Connection) -> None:
    """Writers take the write lock at BEGIN (a deferred BEGIN that reads then writes fails at
    once); a GET takes none, so pages never queue behind each other or behind a writer."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN" if _reads_only() else "BEGIN IMMEDIATE")
