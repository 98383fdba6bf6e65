"""The search index folder unwritable or full: a clear message, and the site stays up.

The embedded default (SQLite + Whoosh) served by `dx-match serve`. "Unwritable" is real
permissions: the test runs as root, which ignores them, so the server runs under `setpriv`
without CAP_DAC_OVERRIDE (root then obeys the mode bits like anyone). "Full" is a 32 KiB tmpfs
mounted over the index folder (skipped where mounting is not allowed).
"""

from __future__ import annotations

import shutil
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.scaleout.processes import Browser, edit_summary, production_env, serving

pytestmark = pytest.mark.faults
WITHOUT_OVERRIDE = ("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--")
NOTICE = "The search index is being rebuilt."
CLEAR = "the search index cannot be written at"
MARKER = "wombatinvoice"


@pytest.fixture(autouse=True)
def _setpriv() -> None:
    if shutil.which("setpriv") is None:
        pytest.skip("needs util-linux's setpriv to drop root's permission override")


def read_only(path: Path) -> None:
    """Take the write bits off a folder and everything in it."""
    for item in (*path.rglob("*"), path):
        if not item.is_symlink():
            item.chmod(item.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def wait_for(predicate: Callable[[], bool], seconds: float = 15.0) -> None:
    """Poll until `predicate()` is true."""
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_read_only_index_keeps_serving_and_keeps_the_edit_for_later(
    instance: Path, tmp_path: Path
) -> None:
    env = production_env(instance)
    whoosh = instance / "search" / "whoosh"
    read_only(whoosh)
    log = tmp_path / "serve.log"
    edit_summary(env, "jadeledger-books", MARKER)
    with serving(env, log=log, prefix=WITHOUT_OVERRIDE) as (port, _server):
        browser = Browser(port)
        wait_for(lambda: CLEAR in log.read_text())  # the indexer says what is wrong, once a poll
        page = browser.get("/tools?q=JadeLedger&lang=en")
        assert page.status == 200
        assert "/tools/jadeledger-firm-desk" in page.body  # reading the index still works
        assert browser.get("/tools/jadeledger-books").status == 200
        assert "/tools/jadeledger-books" not in browser.get(f"/tools?q={MARKER}").body
        # The folder is writable again: the indexer applies the kept change by itself.
        for item in (whoosh, *whoosh.rglob("*")):
            if not item.is_symlink():
                item.chmod(item.stat().st_mode | stat.S_IWUSR)
        wait_for(lambda: "/tools/jadeledger-books" in browser.get(f"/tools?q={MARKER}").body)
    text = log.read_text()
    assert "Permission denied" in text
    assert "Traceback" not in text


def test_missing_index_in_an_unwritable_folder_serves_without_full_text_search(
    instance: Path, tmp_path: Path
) -> None:
    env = production_env(instance)
    shutil.rmtree(instance / "search" / "whoosh")
    read_only(instance / "search")
    log = tmp_path / "serve.log"
    with serving(env, "--no-indexer", log=log, prefix=WITHOUT_OVERRIDE) as (port, _server):
        browser = Browser(port)
        page = browser.get("/tools?q=JadeLedger&lang=en")
        assert page.status == 200
        assert NOTICE in page.body  # the visitor is told why results are plainer
        assert "/tools/jadeledger-books" in page.body  # names still match, without the index
        wait_for(lambda: CLEAR in log.read_text())
        assert browser.get("/tools/jadeledger-books").status == 200
        assert browser.get("/healthz").status == 200
    assert "Traceback" not in log.read_text()


@pytest.fixture
def tiny_disk(instance: Path) -> Iterator[Path]:
    """A 32 KiB tmpfs where the Whoosh index goes (too small for the demo catalog's index)."""
    whoosh = instance / "search" / "whoosh"
    shutil.rmtree(whoosh)
    whoosh.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", str(whoosh)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield whoosh
    finally:
        subprocess.run(["umount", "-l", str(whoosh)], check=False, capture_output=True)


def test_full_index_disk_is_a_clear_message_and_the_site_stays_up(
    instance: Path, tiny_disk: Path, tmp_path: Path
) -> None:
    env = production_env(instance)
    log = tmp_path / "serve.log"
    with serving(env, "--no-indexer", log=log) as (port, _server):
        browser = Browser(port)
        page = browser.get("/tools?q=JadeLedger&lang=en")
        assert page.status == 200
        assert NOTICE in page.body
        wait_for(lambda: CLEAR in log.read_text())
        assert browser.get("/tools/jadeledger-books").status == 200
    text = log.read_text()
    assert "No space left on device" in text
    assert "Traceback" not in text
