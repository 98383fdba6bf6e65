"""Profile the load mix in-process: CPU ms and SQL statements per request kind, and where it goes.

Runs the requests of bench/load.py's mix through `app.test_client()` against an instance made by
bench/load.py (or `dx-match import` of bench/page.py's catalog), warm (each kind's requests run
once before timing), and prints per kind: requests, CPU ms per request (process time, so other
programs on the machine do not count), SQL statements and SQL ms per request. With --profile
KIND it prints the cProfile of that kind's timed requests (cumulative time, top --top entries).

    DX_INSTANCE_PATH=/tmp/bench-embedded .venv/bin/python bench/profile_mix.py --tools 10000
    DX_INSTANCE_PATH=/tmp/bench-embedded .venv/bin/python bench/profile_mix.py --profile search
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import Request, mix  # the bench folder is not a package


class SqlCounter:
    """Statements and their time, from SQLAlchemy's cursor events."""

    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        self.seconds = 0.0
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, *_: Any) -> None:
        conn.info["dx_started"] = time.perf_counter()

    def _after(self, conn: Any, *_: Any) -> None:
        self.count += 1
        self.seconds += time.perf_counter() - conn.info.pop("dx_started", time.perf_counter())


def run(client: Any, request: Request) -> int:
    """One request of the mix; its status."""
    if request.method == "POST":
        response = client.post(
            request.path, data=request.body, headers={"Content-Type": "application/json"}
        )
    else:
        response = client.get(request.path, headers={"Accept": "text/html"})
    return int(response.status_code)


def main() -> None:
    """Warm, time, print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tools", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-kind", type=int, default=60, help="Timed requests per kind.")
    parser.add_argument("--profile", help="Print the cProfile of this kind.")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("DX_ENV", "production")
    os.environ.setdefault("DX_SECRET_KEY", "bench-only")
    os.environ["DX_RATE_LIMITS_ENABLED"] = "0"
    from dx_match import create_app
    from dx_match.extensions import db

    app = create_app()
    by_kind: dict[str, list[Request]] = defaultdict(list)
    for request in mix(args.tools, args.seed):
        by_kind[request.kind].append(request)
    with app.app_context():
        counter = SqlCounter(db.engine)
    client = app.test_client(use_cookies=False)  # every request a new visitor (no ?lang cookie)
    print(
        f"{'kind':<10}{'requests':>9}{'cpu ms':>9}{'wall ms':>9}{'sql':>6}{'sql ms':>8}  statuses"
    )
    for kind, all_of_kind in sorted(by_kind.items()):
        requests = all_of_kind[: args.per_kind]
        for request in requests:  # warm: sidecars, analyzers, templates, recommender arrays
            run(client, request)
        profiler = cProfile.Profile() if args.profile == kind else None
        counter.count, counter.seconds = 0, 0.0
        statuses: dict[int, int] = defaultdict(int)
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        for request in requests:
            statuses[run(client, request)] += 1
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        n = len(requests)
        print(
            f"{kind:<10}{n:>9}{cpu / n * 1000:>9.2f}{wall / n * 1000:>9.2f}"
            f"{counter.count / n:>6.1f}{counter.seconds / n * 1000:>8.2f}  {dict(statuses)}"
        )
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
