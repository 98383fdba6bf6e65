"""The indexer (`dx-match search worker`) killed with kill -9 while it writes the index: a new
worker recovers by itself, nothing is lost, and index and database do not drift.

The moment is chosen by watching the index folder: the kill lands as soon as the worker starts
writing files there (a Whoosh segment half written). `dx-match search reindex` killed mid-build
is covered by tests/search/test_reindex_concurrency.py; this is the incremental path.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from dx_match.search.backends.whoosh_backend import WhooshBackend
from dx_match.search.query import Synonyms, build
from dx_match.search.tokenize import Analyzer
from tests.scaleout.processes import DX_MATCH, edit_summary, production_env, stop

pytestmark = pytest.mark.faults
MARKER = "platypusroster"


def files_of(folder: Path) -> set[tuple[str, int]]:
    """Names and sizes of the files under `folder` (what a writer changes)."""
    found = set()
    for path in folder.rglob("*"):
        try:
            found.add((str(path), path.stat().st_size))
        except FileNotFoundError:  # removed while we looked
            continue
    return found


def pending(instance: Path) -> int:
    """Rows waiting in the search outbox."""
    with sqlite3.connect(instance / "dx_match.db") as conn:
        return int(conn.execute("SELECT count(*) FROM search_outbox").fetchone()[0])


def queue_every_tool(instance: Path) -> None:
    """An outbox row for every tool, as a catalog-wide change would write (a bigger batch)."""
    with sqlite3.connect(instance / "dx_match.db") as conn:
        conn.execute(
            "INSERT INTO search_outbox (tool_id, created_at) SELECT id, CURRENT_TIMESTAMP FROM tools"
        )


def test_indexer_killed_mid_write_recovers_without_drift(
    instance: Path, figures: dict[str, object]
) -> None:
    env = production_env(instance)
    edit_summary(env, "jadeledger-books", MARKER)
    queue_every_tool(instance)
    queued = pending(instance)
    index = instance / "search" / "whoosh"
    before = files_of(index)
    worker = subprocess.Popen(
        [DX_MATCH, "search", "worker", "--interval", "0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 40
        while files_of(index) == before:
            assert worker.poll() is None, "the worker exited by itself"
            assert time.monotonic() < deadline, "the worker never wrote the index"
            time.sleep(0.002)
        worker.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        worker.wait(timeout=10)
    finally:
        stop(worker)  # type: ignore[arg-type]
    # Killed before its database commit: the batch is still queued, none of it lost.
    assert pending(instance) == queued
    # A new worker finishes the job (whatever half-written files the first one left).
    again = subprocess.Popen(
        [DX_MATCH, "search", "worker", "--interval", "0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    restarted_at = time.monotonic()
    try:
        deadline = time.monotonic() + 40
        while pending(instance):
            assert again.poll() is None, "the second worker exited"
            assert time.monotonic() < deadline, "the second worker never drained the outbox"
            time.sleep(0.2)
        drained_at = time.monotonic()
    finally:
        stop(again)  # type: ignore[arg-type]
    backend = WhooshBackend(index)
    try:
        indexed = backend.ids()
        analyzer = Analyzer([])  # the marker is a plain Latin word: no domain words needed
        found = backend.search(build(MARKER, analyzer, Synonyms(analyzer, [])))
    finally:
        backend.close()
    with sqlite3.connect(instance / "dx_match.db") as conn:
        (tool_id,) = conn.execute("SELECT id FROM tools WHERE slug = 'jadeledger-books'").fetchone()
        published = {
            row[0] for row in conn.execute("SELECT id FROM tools WHERE status = 'published'")
        }
    assert indexed == published  # what `dx-match search check` compares: no drift either way
    assert set(found) == {tool_id}  # the edit itself reached the index
    figures.update(
        queued_changes=queued,
        left_after_kill=queued,  # asserted above: none lost
        seconds_kill_to_restart=round(restarted_at - killed_at, 3),
        seconds_new_worker_to_caught_up=round(drained_at - restarted_at, 3),
        indexed=len(indexed),
        published=len(published),
        drift=len(indexed ^ published),
    )
