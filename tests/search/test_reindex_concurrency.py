"""`dx-match search reindex` against a real SQLite file, with real processes: concurrent listing
edits and kill -9 leave a consistent index.

These tests run outside the per-test transaction: each one gets its own instance folder (a copy
of one initialised with `dx-match init` and the demo catalog), runs the real command in a
subprocess and edits tools from this process through SQLAlchemy. A gate (a file-based pause
installed by a small wrapper around the real `dx-match` entry point) stops the reindex at a
chosen point, so the interleavings are chosen by the test, not by the scheduler.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from dx_match import create_app
from dx_match.catalog.models import Tool
from dx_match.cli import DEMO_CATALOG
from dx_match.extensions import db
from dx_match.search.backends.whoosh_backend import WhooshBackend
from dx_match.search.models import SearchOutbox
from dx_match.search.query import Clause, TextQuery

DX_MATCH = str(Path(sys.executable).with_name("dx-match"))
TIMEOUT = 60.0  # a generous bound for one command; the tests normally take a few seconds
MARKER = "zyxwarbler"  # a word no demo tool uses, given to renamed tools
POS = TextQuery((Clause((("pos",),)),))

# Runs the real `dx-match` CLI, pausing the index build at one point until the test says go:
# DX_GATE_STAGE=documents pauses after 50 documents were handed to Whoosh; =segments pauses
# when Whoosh starts writing the segment file of its commit (files half written).
GATE = """
import os, sys, time
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from dx_match.search.backends import whoosh_backend

gate, stage = Path(os.environ["DX_GATE_DIR"]), os.environ["DX_GATE_STAGE"]


def pause() -> None:
    (gate / "reached").touch()
    deadline = time.monotonic() + 60
    while not (gate / "go").exists():
        if time.monotonic() > deadline:
            sys.exit("the test never opened the gate")
        time.sleep(0.01)


rebuild = whoosh_backend.WhooshBackend.rebuild


def gated_rebuild(self, documents, progress=None):
    def gated():
        for n, document in enumerate(documents):
            if n == 50 and stage == "documents":
                pause()
            yield document

    return rebuild(self, gated(), progress)


create_file = FileStorage.create_file


def gated_create_file(self, name, **kwargs):
    if stage == "segments" and name.endswith(".seg"):
        pause()
    return create_file(self, name, **kwargs)


whoosh_backend.WhooshBackend.rebuild = gated_rebuild
FileStorage.create_file = gated_create_file

from dx_match.cli import main

main(sys.argv[1:], prog_name="dx-match")
"""


def environment(instance: Path) -> dict[str, str]:
    """The environment of a `dx-match` subprocess on this instance folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DX_")}
    return {
        **env,
        "DX_ENV": "testing",
        "DX_INSTANCE_PATH": str(instance),
        "DX_DATABASE_URL": f"sqlite:///{instance / 'dx_match.db'}",
        "DX_SEARCH_BACKEND": "whoosh",
    }


def dx(instance: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `dx-match ARGS` on the instance and wait for it."""
    return subprocess.run(
        [DX_MATCH, *args],
        env=environment(instance),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[str]) -> None:
    """Poll until `condition` holds; fail (with the process's output) if it dies or time runs out."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if process.poll() is not None:
            _out, err = process.communicate()
            pytest.fail(f"{what}: the process exited with {process.returncode}\n{err}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: timed out")
        time.sleep(0.01)


def index_root(instance: Path) -> Path:
    """The Whoosh folder of the instance."""
    return instance / "search" / "whoosh"


def live_target(instance: Path) -> str:
    """The index directory the `current` symlink points at."""
    return str((index_root(instance) / "current").readlink())


def indexed_ids(instance: Path) -> set[int]:
    """The tool ids in the live index, read by a fresh backend (as a new process would)."""
    backend = WhooshBackend(index_root(instance))
    try:
        return backend.ids()
    finally:
        backend.close()


def search_pos(instance: Path) -> dict[int, float]:
    """The live index's answer to "pos", read by a fresh backend (which must open it)."""
    backend = WhooshBackend(index_root(instance))
    try:
        assert backend.has_index()
        return backend.search(POS)
    finally:
        backend.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An instance folder initialised and loaded with the demo catalog by the real commands."""
    instance = tmp_path_factory.mktemp("template") / "instance"
    instance.mkdir()
    for args in (("init",), ("import", str(DEMO_CATALOG))):
        result = dx(instance, *args)
        assert result.returncode == 0, result.stderr
    return instance


@pytest.fixture
def instance(template: Path, tmp_path: Path) -> Path:
    """A private copy of the template instance (database file and index)."""
    copy = tmp_path / "instance"
    shutil.copytree(template, copy, symlinks=True)
    return copy


@pytest.fixture
def engine(instance: Path) -> Iterator[sa.Engine]:
    """The engine of a separate app on the instance's SQLite file (not the suite's database)."""
    other = create_app(
        {
            "DX_ENV": "testing",
            "TESTING": True,
            "DX_INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'dx_match.db'}",
            "DX_SEARCH_BACKEND": "whoosh",
        }
    )
    with other.app_context():
        yield db.engine
        db.engine.dispose()


@dataclass
class Paused:
    """A `dx-match search reindex` process waiting at its gate."""

    process: subprocess.Popen[str]
    gate: Path

    def go(self) -> None:
        """Let the process continue."""
        (self.gate / "go").touch()


@pytest.fixture
def gated(instance: Path, tmp_path: Path) -> Iterator[Callable[[str], Paused]]:
    """Start `dx-match search reindex` paused at a stage; every process is gone afterwards."""
    script = tmp_path / "gated_dx_match.py"
    script.write_text(GATE, encoding="utf-8")
    processes: list[subprocess.Popen[str]] = []

    def start(stage: str) -> Paused:
        gate = tmp_path / f"gate-{stage}"
        gate.mkdir()
        process = subprocess.Popen(
            [sys.executable, str(script), "search", "reindex"],
            env={**environment(instance), "DX_GATE_DIR": str(gate), "DX_GATE_STAGE": stage},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        wait_for((gate / "reached").exists, f"reindex reaching the {stage} gate", process)
        return Paused(process, gate)

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=TIMEOUT)


def published_ids(engine: sa.Engine) -> set[int]:
    """The published tool ids in the instance's database."""
    with Session(engine) as session:
        return set(session.scalars(sa.select(Tool.id).where(Tool.status == "published")))


def edit(engine: sa.Engine, tool_id: int, change: Callable[[Tool], None]) -> None:
    """Change one tool and commit, as a listing edit would."""
    with Session(engine) as session:
        tool = session.get(Tool, tool_id)
        assert tool is not None
        change(tool)
        session.commit()


def renamer(n: int) -> Callable[[Tool], None]:
    """A change giving a tool a name with the marker word."""

    def change(tool: Tool) -> None:
        tool.name = {"en": f"{MARKER.title()} {n}", "ja": f"{MARKER} {n}"}

    return change


def status(value: str) -> Callable[[Tool], None]:
    """A change setting a tool's moderation status."""

    def change(tool: Tool) -> None:
        tool.status = value

    return change


def test_edits_during_a_reindex_leave_the_index_equal_to_the_published_rows(
    instance: Path, engine: sa.Engine, gated: Callable[[str], Paused]
) -> None:
    ids = sorted(published_ids(engine))
    old_target = live_target(instance)
    paused = gated("documents")  # paused a third of the way through handing documents to Whoosh
    reindex = paused.process

    # Edits while the reindex is in the middle of its build: each commits at once.
    during = {ids[0]: "pending", ids[70]: "rejected", ids[-1]: "archived"}
    renamed_during = [ids[1], ids[71], ids[-2]]
    started = time.monotonic()
    for tool_id, value in during.items():
        edit(engine, tool_id, status(value))
    for n, tool_id in enumerate(renamed_during):
        edit(engine, tool_id, renamer(n))
    assert time.monotonic() - started < 5, "listing edits waited for the reindex"
    assert reindex.poll() is None and live_target(instance) == old_target

    paused.go()
    # More edits while the build finishes, swaps the index and clears the outbox.
    renamed = set(renamed_during)
    n = len(renamed)
    while reindex.poll() is None and n < 40:
        tool_id = ids[10 + n]
        edit(engine, tool_id, renamer(n))
        renamed.add(tool_id)
        n += 1
    _out, err = reindex.communicate(timeout=TIMEOUT)
    assert reindex.returncode == 0, err
    assert live_target(instance) != old_target

    # The rebuild cleared only the outbox rows that existed before it started.
    with Session(engine) as session:
        queued = set(session.scalars(sa.select(SearchOutbox.tool_id)))
    assert {*during, *renamed_during} <= queued

    drained = dx(instance, "search", "drain")
    assert drained.returncode == 0, drained.stderr
    check = dx(instance, "search", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "changes waiting in the outbox: 0" in check.stdout
    published = published_ids(engine)
    assert published == set(ids) - set(during)
    assert indexed_ids(instance) == published
    found = dx(instance, "search", MARKER, "--format", "json", "--limit", "100")
    assert found.returncode == 0, found.stderr
    with Session(engine) as session:
        slugs = set(session.scalars(sa.select(Tool.slug).where(Tool.id.in_(renamed))))
    assert {row["slug"] for row in json.loads(found.stdout)} == slugs


@pytest.mark.parametrize("stage", ["documents", "segments"])
def test_kill_9_during_a_reindex_keeps_the_live_index_and_recovers(
    instance: Path, gated: Callable[[str], Paused], stage: str
) -> None:
    old_target = live_target(instance)
    before = search_pos(instance)
    assert before

    reindex = gated(stage).process
    partial = {p.name for p in index_root(instance).glob("index-*")} - {old_target}
    assert partial, "the reindex had not started a new index directory"
    os.kill(reindex.pid, signal.SIGKILL)
    reindex.communicate(timeout=TIMEOUT)
    assert reindex.returncode == -signal.SIGKILL

    # The live index is the old one, untouched: it opens and answers as before.
    assert live_target(instance) == old_target
    assert search_pos(instance) == before
    check = dx(instance, "search", "check")
    assert check.returncode == 0, check.stdout + check.stderr

    again = dx(instance, "search", "reindex")
    assert again.returncode == 0, again.stderr
    assert live_target(instance) not in {old_target, *partial}
    assert {p.name for p in index_root(instance).glob("index-*")} == {live_target(instance)}
    assert set(search_pos(instance)) == set(before)
    check = dx(instance, "search", "check")
    assert check.returncode == 0, check.stdout + check.stderr


def waits_for_a_flock(pid: int) -> bool:
    """True when the kernel lists the process as blocked on a flock (Linux /proc/locks)."""
    return any(
        line.split()[1:4] == ["->", "FLOCK", "ADVISORY"] and line.split()[5] == str(pid)
        for line in Path("/proc/locks").read_text().splitlines()
    )


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux /proc/locks")
def test_a_reindex_waiting_for_the_indexer_does_not_block_listing_edits(
    instance: Path, engine: sa.Engine
) -> None:
    ids = sorted(published_ids(engine))
    lock = instance / "search" / "indexer.lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another indexer (a drain) is at work
        reindex = subprocess.Popen(
            [DX_MATCH, "search", "reindex"],
            env=environment(instance),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_for(lambda: waits_for_a_flock(reindex.pid), "reindex waiting", reindex)
            started = time.monotonic()
            edit(engine, ids[3], status("archived"))
            edit(engine, ids[4], renamer(0))
            assert time.monotonic() - started < 5, "a listing edit waited for a waiting reindex"
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
        _out, err = reindex.communicate(timeout=TIMEOUT)
    assert reindex.returncode == 0, err

    drained = dx(instance, "search", "drain")
    assert drained.returncode == 0, drained.stderr
    assert indexed_ids(instance) == published_ids(engine) == set(ids) - {ids[3]}
