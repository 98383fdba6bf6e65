"""SQLite: writers take the write lock at BEGIN, read-only requests take none (so pages never
queue behind each other); a view-count flush after a GET's reads still writes."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

import dx_match.db  # noqa: F401  (registers the BEGIN listener on every engine)


def _begins(app: Flask, tmp_path: Path, method: str | None, path: str = "/") -> list[str]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    statements: list[str] = []
    sa.event.listen(
        engine, "before_cursor_execute", lambda *args: statements.append(args[2]), named=False
    )

    def run() -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT 1")

    if method is None:
        run()
    else:
        with app.test_request_context(path, method=method):
            run()
    engine.dispose()
    return [s for s in statements if s.startswith("BEGIN")]


@pytest.mark.parametrize(
    ("method", "begin"),
    [
        ("GET", "BEGIN"),
        ("HEAD", "BEGIN"),
        ("POST", "BEGIN IMMEDIATE"),
        ("DELETE", "BEGIN IMMEDIATE"),
        (None, "BEGIN IMMEDIATE"),  # CLI commands, the indexer thread
    ],
)
def test_only_writers_take_the_write_lock_at_begin(
    app: Flask, tmp_path: Path, method: str | None, begin: str
) -> None:
    assert _begins(app, tmp_path, method) == [begin]


@pytest.mark.parametrize(
    ("path", "begin"),
    [
        ("/api/v1/recommend", "BEGIN"),  # computes an answer from the body, writes nothing
        ("/api/v1/me/tools", "BEGIN IMMEDIATE"),
        ("/login", "BEGIN IMMEDIATE"),
    ],
)
def test_a_post_that_only_reads_takes_no_write_lock(
    app: Flask, tmp_path: Path, path: str, begin: str
) -> None:
    assert _begins(app, tmp_path, "POST", path) == [begin]


def test_a_reader_does_not_wait_for_a_writer(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "y.db"
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    writer = engine.connect()
    writer.begin()  # BEGIN IMMEDIATE: holds the write lock
    writer.exec_driver_sql("INSERT INTO t VALUES (1)")
    with app.test_request_context(method="GET"), engine.connect() as reader:
        reader.exec_driver_sql("PRAGMA busy_timeout=0")
        # A deferred reader sees the last committed state at once instead of queueing.
        assert reader.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
    writer.rollback()
    writer.close()
    engine.dispose()
