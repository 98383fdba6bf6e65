"""The `dx-match` group itself: commands run before `init` say what to do, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("args", [["search", "pos"], ["recommend", "--profile", "p.json"]])
def test_commands_on_an_empty_database_point_to_init(tmp_path: Path, args: list[str]) -> None:
    # A process of its own: inside the suite an app context is already pushed.
    (tmp_path / "p.json").write_text(
        '{"country": "TW", "industry": "I56", "employees": 3, "currency": "TWD", "goals": []}',
        encoding="utf-8",
    )
    env = os.environ | {"DX_ENV": "testing", "DX_INSTANCE_PATH": str(tmp_path)}
    env.pop("DX_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", "from dx_match.cli import main; main()", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "run `dx-match init`" in result.stderr
    assert "Traceback" not in result.stderr
