"""Fault-test fixtures: an instance folder with the demo catalog (SQLite + Whoosh), built once
with the real commands, and a fresh copy of it for each test."""

from __future__ import annotations

import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from dx_match.cli import DEMO_CATALOG
from tests.scaleout.processes import base_env, dx


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An instance folder with the demo catalog and its Whoosh index (built once per run)."""
    instance = tmp_path_factory.mktemp("prepared") / "instance"
    env = base_env(DX_INSTANCE_PATH=str(instance))
    dx(env, "init")
    dx(env, "import", str(DEMO_CATALOG))
    return instance


@pytest.fixture
def instance(prepared: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the prepared instance for one test; write permissions restored afterwards."""
    copy = tmp_path / "instance"
    shutil.copytree(prepared, copy, symlinks=True)
    yield copy
    for path in (copy, *copy.rglob("*")):
        if not path.is_symlink() and path.exists():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
