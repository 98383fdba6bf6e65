"""Load test: `dx-match serve` under mixed traffic, on loopback, bounded in time.

Builds (or reuses) an instance with N synthetic tools imported through the real importer, serves
it with `dx-match serve`, and runs five phases from threads in this process (closed-loop virtual
users, each on its own connections; the client shares the machine's cores with the server):

  baseline  /healthz at full speed (HTTP + one database round trip): the ceiling of this setup
  capacity  the mix at full speed from --capacity-users users: requests/s, errors
  steady    --users users with think time (exponential, mean --think s): p50/p95/p99, errors
  stress    --stress-users users, no think time: every status counted (5xx must be 0)
  soak      --users users with think time; worker memory (RSS) sampled every 10 s

The mix: browse (/tools, pages and sorts), search with facets (/tools?q=...&filters, the
queries of bench/search.py), tool pages (/tools/<slug>) and recommend (POST /api/v1/recommend).
Rate limits are off (DX_RATE_LIMITS_ENABLED=0): every user here comes from 127.0.0.1.

    .venv/bin/python bench/load.py --tools 10000                    # embedded: SQLite + Whoosh
    .venv/bin/python bench/load.py --tools 10000 --scale-out \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_load \\
        --redis-url redis://127.0.0.1:6379/3                         # PostgreSQL + its search
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page import catalog, percentiles, url_for  # the bench folder is not a package
from search_corpus import specs

DX = Path(sys.executable).with_name("dx-match")
PROFILES = [
    {"country": "TW", "region": "TW-TPE", "industry": "I56", "employees": 12, "currency": "TWD",
     "goals": ["sales.pos", "finance.invoicing"], "budget_monthly": 3000, "languages": ["zh-TW"]},
    {"country": "JP", "region": "JP-13", "industry": "G47", "employees": 30, "currency": "JPY",
     "goals": ["finance.accounting"], "budget_monthly": 50000, "languages": ["ja"]},
    {"country": "TW", "region": "TW-KHH", "industry": "C", "employees": 80, "currency": "TWD",
     "goals": ["supply.inventory", "hr.attendance"], "languages": ["zh-TW", "en"]},
]  # fmt: skip


@dataclass
class Request:
    """One request of the mix."""

    kind: str
    method: str
    path: str
    body: bytes | None = None


@dataclass
class Tally:
    """What one phase saw: latencies of answers, statuses, connection errors."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, status: int, seconds: float) -> None:
        """Record one answer."""
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            self.statuses[status] += 1

    def fail(self, reason: str) -> None:
        """Record a request that got no answer (refused, reset, timed out)."""
        with self.lock:
            self.failures[reason] += 1

    def all(self) -> list[float]:
        """Every latency of the phase."""
        return [s for samples in self.latencies.values() for s in samples]

    @property
    def errors(self) -> int:
        """Answers that are not 2xx/3xx, plus requests without an answer."""
        return sum(n for s, n in self.statuses.items() if s >= 400) + sum(self.failures.values())


def mix(tools: int, seed: int) -> list[Request]:
    """A shuffled list of requests: 30% browse, 35% search, 25% tool pages, 10% recommend."""
    rng = random.Random(seed)
    names = [f"tool-{i}" for i in rng.sample(range(1, tools + 1), 20)]
    searches = [url_for(spec) for spec in specs(350, seed, names)]
    requests = [Request("search", "GET", path) for path in searches]
    sorts = ("relevance", "price", "newest", "name")
    requests += [
        Request("browse", "GET", f"/tools?page={1 + i % 8}&sort={sorts[i % 4]}&lang=en")
        for i in range(300)
    ]
    slugs = [f"tool-{rng.randint(1, tools)}" for _ in range(250)]
    requests += [Request("tool", "GET", f"/tools/{slug}") for slug in slugs]
    requests += [
        Request("recommend", "POST", "/api/v1/recommend", json.dumps(PROFILES[i % 3]).encode())
        for i in range(100)
    ]
    rng.shuffle(requests)
    return requests


def send(port: int, request: Request, tally: Tally, timeout: float) -> None:
    """One request on a fresh connection (gunicorn's sync workers close after each answer)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Accept": "text/html"}
    if request.body is not None:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
    started = time.perf_counter()
    try:
        conn.request(request.method, request.path, body=request.body, headers=headers)
        response = conn.getresponse()
        response.read()
        tally.add(request.kind, response.status, time.perf_counter() - started)
    except TimeoutError:
        tally.fail("timeout")
    except (OSError, http.client.HTTPException) as exc:
        tally.fail(type(exc).__name__)
    finally:
        conn.close()


def run_phase(
    port: int,
    requests: list[Request],
    *,
    users: int,
    seconds: float,
    think: float,
    timeout: float = 30.0,
    during: threading.Event | None = None,
) -> tuple[Tally, float]:
    """`users` closed-loop users for `seconds`; returns the tally and the elapsed time."""
    tally = Tally()
    stop_at = time.monotonic() + seconds

    def user(index: int) -> None:
        rng = random.Random(index)
        position = rng.randrange(len(requests))
        while time.monotonic() < stop_at:
            send(port, requests[position % len(requests)], tally, timeout)
            position += 1
            if think:
                time.sleep(min(rng.expovariate(1 / think), 5 * think))

    started = time.monotonic()
    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + timeout + 10)
    if during is not None:
        during.set()
    return tally, time.monotonic() - started


def worker_rss_mib(master: int) -> float:
    """Resident memory of the server's processes (master, workers), in MiB, from /proc."""
    pids = [master]
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def report(label: str, tally: Tally, elapsed: float, base95: float | None) -> None:
    """One line per phase, then one per request kind."""
    samples = tally.all()
    if not samples:
        print(f"{label:<10} no answers; failures {dict(tally.failures)}")
        return
    p50, p95, p99 = percentiles(samples)
    ratio = f"{p95 / base95:>7.1f}x" if base95 else "       -"
    statuses = dict(sorted(tally.statuses.items()))
    print(
        f"{label:<10}{len(samples) / elapsed:>8.0f} req/s {p50:>7.1f} {p95:>7.1f} {p99:>8.1f} ms"
        f" {ratio}  errors {tally.errors}  statuses {statuses}  no answer {dict(tally.failures)}"
    )
    if len(tally.latencies) > 1:
        for kind, kind_samples in sorted(tally.latencies.items()):
            k50, k95, k99 = percentiles(kind_samples)
            print(f"  {kind:<8}{len(kind_samples):>8} req  {k50:>7.1f} {k95:>7.1f} {k99:>8.1f} ms")


def prepare(args: argparse.Namespace, env: dict[str, str], work: Path) -> None:
    """Write the synthetic catalog and import it (skipped when the instance is reused)."""
    marker = Path(env["DX_INSTANCE_PATH"]) / f"bench-{args.tools}-{args.seed}.done"
    if marker.exists():
        print(f"reusing {env['DX_INSTANCE_PATH']} ({args.tools} tools)")
        return
    started = time.perf_counter()
    (work / "catalog").mkdir(exist_ok=True)
    catalog(work / "catalog", args.tools, args.seed)
    subprocess.run([DX, "init"], env=env, check=True, capture_output=True)
    subprocess.run([DX, "import", str(work / "catalog")], env=env, check=True, capture_output=True)
    Path(env["DX_INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)
    marker.touch()
    print(f"instance with {args.tools} tools ready in {time.perf_counter() - started:.0f} s")


def main() -> None:
    """Build, serve, load, print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tools", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--port", type=int, default=5098)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--instance", help="Reuse (or create) this instance folder.")
    parser.add_argument("--scale-out", action="store_true", help="PostgreSQL + postgres search.")
    parser.add_argument("--database-url", help="Scale-out database (never the suite's `test`).")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--warm-seconds", type=float, default=60)
    parser.add_argument("--server-log", help="Append the server's error log here.")
    parser.add_argument("--baseline-seconds", type=float, default=15)
    parser.add_argument("--capacity-seconds", type=float, default=60)
    parser.add_argument("--capacity-users", type=int, default=8)
    parser.add_argument("--steady-seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--stress-seconds", type=float, default=60)
    parser.add_argument("--stress-users", type=int, default=200)
    parser.add_argument("--soak-seconds", type=float, default=300)
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="Render every page (DX_PAGE_CACHE=0): the mix repeats about 900 URLs, which the "
        "page cache otherwise answers after their first visit.",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dx-bench-load-"))
    instance = Path(args.instance) if args.instance else work / "instance"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DX_")},
        "DX_ENV": "production",
        "DX_SECRET_KEY": "bench-only-" + os.urandom(16).hex(),
        "DX_INSTANCE_PATH": str(instance),
        "DX_RATE_LIMITS_ENABLED": "0",
        "DX_PAGE_CACHE": "0" if args.no_page_cache else "1",
    }
    if args.scale_out:
        if not args.database_url or args.database_url.rstrip("/").endswith("/test"):
            raise SystemExit("--scale-out needs --database-url of its own (never `test`)")
        env |= {
            "DX_DATABASE_URL": args.database_url,
            "DX_SEARCH_BACKEND": "postgres",
            "DX_REDIS_URL": args.redis_url,
        }
    mode = "scale-out (PostgreSQL + postgres search + Redis)" if args.scale_out else "embedded"
    mode += ", page cache off" if args.no_page_cache else ", page cache on"
    server = None
    server_log = Path(args.server_log).open("ab") if args.server_log else subprocess.DEVNULL  # noqa: SIM115
    try:
        prepare(args, env, work)
        server = subprocess.Popen(
            [DX, "serve", "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
             "--no-indexer", "--access-log", ""],
            env=env, stdout=subprocess.DEVNULL, stderr=server_log,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while True:
            probe = Tally()
            send(args.port, Request("healthz", "GET", "/healthz"), probe, 5)
            if probe.statuses.get(200):
                break
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not come up")
            time.sleep(0.5)
        requests = mix(args.tools, args.seed)
        # Warm every worker: sidecars, analyzers, recommender arrays, template caches (at 10k
        # tools each worker needs several seconds of its own for them on a busy machine).
        run_phase(args.port, requests, users=args.workers * 2, seconds=args.warm_seconds, think=0)
        load1, load5, _ = os.getloadavg()  # the machine is shared: say how busy it was
        print(
            f"mode: {mode}, {args.tools} tools, {args.workers} workers, {os.cpu_count()} cores, "
            f"load average before {load1:.1f} (1 min) {load5:.1f} (5 min)"
        )
        print(f"{'phase':<10}{'rate':>14} {'p50':>7} {'p95':>7} {'p99':>8}    p95/healthz")
        healthz = [Request("healthz", "GET", "/healthz")]
        base, elapsed = run_phase(
            args.port, healthz, users=args.capacity_users, seconds=args.baseline_seconds, think=0
        )
        base95 = percentiles(base.all())[1]
        report("baseline", base, elapsed, None)
        capacity, elapsed = run_phase(
            args.port, requests, users=args.capacity_users, seconds=args.capacity_seconds, think=0
        )
        capacity_rate = len(capacity.all()) / elapsed
        report("capacity", capacity, elapsed, base95)
        steady, elapsed = run_phase(
            args.port, requests, users=args.users, seconds=args.steady_seconds, think=args.think
        )
        report("steady", steady, elapsed, base95)
        stress, elapsed = run_phase(
            args.port, requests, users=args.stress_users, seconds=args.stress_seconds, think=0
        )
        report("stress", stress, elapsed, base95)
        done = threading.Event()
        memory: list[float] = [worker_rss_mib(server.pid)]

        def sample() -> None:
            while not done.wait(10):
                memory.append(worker_rss_mib(server.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        soak, elapsed = run_phase(
            args.port,
            requests,
            users=args.users,
            seconds=args.soak_seconds,
            think=args.think,
            during=done,
        )
        memory.append(worker_rss_mib(server.pid))
        report("soak", soak, elapsed, base95)
        print(f"load average after: {os.getloadavg()[0]:.1f} (1 min)")
        print(
            f"soak memory (all server processes): start {memory[0]:.0f} MiB, "
            f"max {max(memory):.0f} MiB, end {memory[-1]:.0f} MiB over {elapsed:.0f} s"
        )
        # Workers that stress just replaced (gunicorn's max_requests) are still filling their
        # caches when the soak starts: growth is judged from the end of its first quarter.
        settled = memory[len(memory) // 4]
        trace = " ".join(f"{m:.0f}" for m in memory[:: max(1, len(memory) // 20)])
        print(f"soak memory samples (MiB, every {max(1, len(memory) // 20) * 10} s): {trace}")
        print(
            f"soak memory from the end of the first quarter: {settled:.0f} -> {memory[-1]:.0f} MiB"
        )
        steady95, steady99 = percentiles(steady.all())[1:]
        server_errors = sum(n for s, n in stress.statuses.items() if s >= 500)
        print(
            f"summary: mode={'scale-out' if args.scale_out else 'embedded'} n={args.tools} "
            f"capacity_rps={capacity_rate:.0f} capacity_errors={capacity.errors} "
            f"steady_p95_ms={steady95:.1f} steady_p99_ms={steady99:.1f} "
            f"steady_errors={steady.errors} stress_5xx={server_errors} "
            f"stress_no_answer={sum(stress.failures.values())} healthz_p95_ms={base95:.1f} "
            f"soak_rss_growth_mib={memory[-1] - memory[0]:.0f} "
            f"soak_rss_growth_after_first_quarter_mib={memory[-1] - settled:.0f}"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
