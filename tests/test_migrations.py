"""The models match the migrations, and `dx-match init` is safe to run twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dx_match.extensions import db


def test_models_match_migrations() -> None:
    connection = db.session.connection()

    def modelled(name: str | None, type_: str, _parents: object) -> bool:
        # The postgres search backend keeps derived index tables of its own (search_*).
        return not (
            type_ == "table" and name not in db.metadata.tables and str(name).startswith("search_")
        )

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": modelled}
    )
    assert compare_metadata(context, db.metadata) == []


def test_init_creates_then_changes_nothing(tmp_path: Path) -> None:
    """The real command, in a fresh instance folder, twice."""
    env = {**os.environ, "DX_INSTANCE_PATH": str(tmp_path)}
    env.pop("DX_DATABASE_URL", None)
    command = [str(Path(sys.executable).with_name("dx-match")), "init"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert "built-in taxonomy: 245 terms added or updated" in first.stdout
    assert (tmp_path / "dx_match.db").exists()
    second = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert second.returncode == 0, second.stderr
    assert "built-in taxonomy: 0 terms added or updated" in second.stdout
