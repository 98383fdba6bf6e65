"""Fault-test fixtures: an instance folder with the demo catalog (SQLite + Whoosh), built once
with the real commands, and a fresh copy of it for each test; and `figures`, what a fault test
measured (counts, seconds to recover), written to test-artifacts/faults/<test>.json for CI to
keep and docs/benchmarks.md to quote."""

from __future__ import annotations

import json
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from dx_match.cli import DEMO_CATALOG
from tests.scaleout.processes import base_env, dx

FIGURES = Path(__file__).resolve().parents[2] / "test-artifacts" / "faults"


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Iterator[dict[str, object]]:
    """A dictionary the test fills; written out only when the test passed its assertions."""
    measured: dict[str, object] = {}
    yield measured
    report = getattr(request.node, "rep_call", None)
    if measured and report is not None and report.passed:
        FIGURES.mkdir(parents=True, exist_ok=True)
        path = FIGURES / f"{request.node.name}.json"
        path.write_text(json.dumps(measured, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Keep each phase's report on the test item (so `figures` knows whether the test passed)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


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
