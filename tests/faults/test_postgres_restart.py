"""PostgreSQL restarted during traffic: requests fail cleanly (503, no traceback) and the app
recovers by itself, without a restart of its own.

The shared PostgreSQL is never touched: the test makes a throwaway cluster (initdb + pg_ctl from
Debian's PostgreSQL, as the postgres OS user) on a free port in a temporary folder, serves a
freshly initialised database from it with `dx-match serve` (two workers), keeps traffic running from threads
while it stops and starts the cluster, and reads what every request answered.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.scaleout.processes import Browser, base_env, dx, free_port, serving

pytestmark = pytest.mark.faults
# Pages that read the database (the schema and the built-in taxonomy are enough for these).
PATHS = ("/healthz", "/subsidies", "/api/v1/taxonomy/functions", "/")


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's bin folder (skip when there is none)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found or shutil.which("runuser") is None or os.geteuid() != 0:
        pytest.skip("needs Debian's PostgreSQL server binaries and root (runuser -u postgres)")
    return Path(found[-1]).parent


@dataclass
class Cluster:
    """A throwaway PostgreSQL cluster owned by the postgres OS user."""

    bin: Path
    data: Path
    port: int

    def ctl(self, *args: str) -> None:
        """pg_ctl as the postgres user."""
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.bin / "pg_ctl"), "-D", str(self.data),
             "-w", "-t", "30", *args],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def start(self) -> None:
        """Start on 127.0.0.1:port, its socket in the data folder (not /var/run)."""
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.ctl("-o", options, "-l", str(self.data / "server.log"), "start")

    @property
    def url(self) -> str:
        """The application's database URL."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/dx"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """initdb, start, create the database; stopped and removed afterwards."""
    binaries = postgres_bin()
    # Not under pytest's tmp_path: its parents are private to root, and postgres must enter.
    home = Path(tempfile.mkdtemp(prefix="dx-fault-pg-"))
    home.chmod(0o700)
    shutil.chown(home, "postgres", "postgres")
    data = home / "data"
    subprocess.run(
        ["runuser", "-u", "postgres", "--", str(binaries / "initdb"), "-D", str(data),
         "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    cluster = Cluster(binaries, data, free_port())
    cluster.start()
    try:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(binaries / "createdb"), "-h", "127.0.0.1",
             "-p", str(cluster.port), "dx"],
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip
        yield cluster
    finally:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(binaries / "pg_ctl"), "-D", str(data),
             "-m", "immediate", "stop"],
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip
        shutil.rmtree(home, ignore_errors=True)


@dataclass
class Traffic:
    """Threads requesting PATHS in turn until stopped; every answer is kept with its time."""

    port: int
    answers: list[tuple[float, str, int, str, str]] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        """One client's loop."""
        n = 0
        while not self.stopping.is_set():
            path = PATHS[n % len(PATHS)]
            n += 1
            try:
                reply = Browser(self.port, timeout=10).get(path)
                kind = reply.headers.get("Content-Type", "")
                self.answers.append((time.monotonic(), path, reply.status, kind, reply.body))
            except OSError as exc:  # a connection the server dropped: not an answer at all
                self.answers.append((time.monotonic(), path, 0, "", repr(exc)))
            time.sleep(0.02)


def test_requests_fail_cleanly_and_recover_after_a_postgres_restart(
    cluster: Cluster, tmp_path: Path, figures: dict[str, object]
) -> None:
    env = base_env(
        DX_ENV="production",
        DX_SECRET_KEY=secrets.token_urlsafe(32),
        DX_DATABASE_URL=cluster.url,
        DX_SEARCH_BACKEND="postgres",
        DX_INSTANCE_PATH=str(tmp_path / "instance"),
    )
    dx(env, "init")
    log = tmp_path / "serve.log"
    with serving(env, "--workers", "2", "--no-indexer", log=log) as (port, _server):
        traffic = Traffic(port)
        threads = [threading.Thread(target=traffic.run) for _ in range(3)]
        for thread in threads:
            thread.start()
        try:
            time.sleep(1.0)
            down_at = time.monotonic()
            cluster.ctl("-m", "fast", "stop")  # ends every connection the workers hold
            time.sleep(1.5)
            cluster.start()
            up_at = time.monotonic()
            time.sleep(2.5)
        finally:
            traffic.stopping.set()
            for thread in threads:
                thread.join(timeout=30)
    before = [a for a in traffic.answers if a[0] < down_at]
    during = [a for a in traffic.answers if down_at + 0.2 < a[0] < up_at]
    after = [a for a in traffic.answers if a[0] > up_at + 1.0]
    assert before and during and after
    errors = [a[1:4] for a in traffic.answers if a[2] not in {200, 503}]
    assert not errors, (errors[:5], log.read_text()[-3000:])
    assert {a[2] for a in before} == {200}
    # While it is down: 503 for what needs the database, never a 500 or a dropped connection.
    assert {a[2] for a in during} <= {200, 503}, sorted({a[2] for a in during})
    failures = [a for a in during if a[2] == 503]
    assert failures, "nothing needed the database while it was down?"
    for _at, path, _status, kind, body in failures:
        assert "Traceback" not in body
        if path.startswith("/api/"):
            assert kind == "application/problem+json"
            assert json.loads(body)["status"] == 503
        else:
            assert kind.startswith("text/html")
            assert "<title>" in body
    # Back up: every request succeeds again, on the same server processes.
    assert {a[2] for a in after} == {200}, sorted({(a[1], a[2]) for a in after})
    assert "Traceback" not in log.read_text()
    first_503 = min(a[0] for a in failures)
    first_200 = min(a[0] for a in traffic.answers if a[0] > up_at and a[2] == 200)
    last_503 = max((a[0] for a in traffic.answers if a[2] == 503), default=up_at)
    figures.update(
        requests=len(traffic.answers),
        statuses={str(s): sum(a[2] == s for a in traffic.answers) for s in (200, 503, 500, 0)},
        down_seconds=round(up_at - down_at, 2),
        first_503_after_stop_s=round(first_503 - down_at, 3),
        first_200_after_start_s=round(first_200 - up_at, 3),
        last_503_after_start_s=round(max(last_503 - up_at, 0.0), 3),  # 0: none after the start
        answers_while_down=len(during),
        ok_while_down=sum(a[2] == 200 for a in during),  # pages that did not need it
    )
