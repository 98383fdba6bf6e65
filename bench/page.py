"""The whole search page under load: HTTP, database, search and template, against a baseline.

Builds a throwaway instance (SQLite + the chosen search backend) holding N synthetic tools
imported through the real importer, serves it with gunicorn, and times mixed /tools requests
(text, filters, facets, sorting) from one keep-alive client, next to `/healthz` (HTTP + a
database round trip) measured in the same run. Never run by the test suite.

    .venv/bin/python bench/page.py --tools 10000
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_corpus import specs, synthesize  # the bench folder is not a package

ROOT = Path(__file__).resolve().parent.parent
DX = Path(sys.executable).with_name("dx-match")
GUNICORN = Path(sys.executable).with_name("gunicorn")


def catalog(directory: Path, count: int, seed: int) -> None:
    """Write N synthetic tools (and their vendors) in the exchange format."""
    vendors: dict[str, dict[str, Any]] = {}
    tools = []
    for tool_id in range(1, count + 1):
        record = synthesize(tool_id, seed, max(count // 20, 1))
        vendor_name = (
            record.vendor if isinstance(record.vendor, dict) else {"en": str(record.vendor)}
        )
        slug = "v-" + "".join(c for c in vendor_name["en"].lower() if c.isalnum())[:60]
        vendors.setdefault(slug, {"slug": slug, "name": vendor_name})
        row: dict[str, Any] = {
            "slug": record.slug,
            "vendor": slug,
            "name": record.name,
            "summary": record.summary,
            "description": record.description,
            "functions": list(record.functions),
            "plans": [
                {k: v for k, v in (("model", p.model), ("price", None if p.price is None else float(p.price)),
                                   ("currency", p.currency), ("min_users", p.min_users)) if v is not None}
                for p in record.plans
            ],
        }  # fmt: skip
        for key in ("industries", "regions", "languages", "integrations", "subsidies"):
            if getattr(record, key):
                row[key] = list(getattr(record, key))
        if record.deployment:
            row["deployment"] = record.deployment
        if record.trial_days:
            row["trial_days"] = record.trial_days
        tools.append(row)
    (directory / "vendors.yaml").write_text(
        yaml.safe_dump({"vendors": list(vendors.values())}, allow_unicode=True)
    )
    (directory / "tools.yaml").write_text(yaml.safe_dump({"tools": tools}, allow_unicode=True))
    shutil.copy(ROOT / "catalog" / "demo" / "subsidies.yaml", directory / "subsidies.yaml")


def url_for(spec: Any) -> str:
    """The /tools URL a visitor would produce for one benchmark query."""
    f = spec.filters
    params: list[tuple[str, str]] = [("q", spec.text), ("lang", spec.lang)]
    params += [("function", c) for c in f.functions] + [("industry", c) for c in f.industries]
    params += [("language", c) for c in f.languages] + [("deployment", c) for c in f.deployments]
    params += [("region", c) for c in f.regions[:1]] + [("price", b) for b in f.price_bands]
    if f.subsidies:
        params.append(("subsidy", "1"))
    if f.trial:
        params.append(("trial", "1"))
    if f.min_rating is not None:
        params.append(("rated", "1"))
    if f.verified_since is not None:
        params.append(("fresh", "1"))
    if f.max_price is not None:
        params += [("max_price", str(f.max_price)), ("cur", f.currency)]
    return "/tools?" + urllib.parse.urlencode(params)


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99 in milliseconds."""
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return pick(0.50), pick(0.95), pick(0.99)


def timed(conn: http.client.HTTPConnection, path: str) -> float:
    """One GET on a kept-alive connection; fail loudly on anything but 200."""
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")
    return elapsed


def main() -> None:
    """Build, serve, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--backend", default="whoosh", choices=("whoosh", "tantivy"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=5099)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--page-cache",
        action="store_true",
        help="Serve repeated anonymous pages from the page cache (off: every page is rendered).",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dx-bench-page-"))
    env = {
        **os.environ,
        "DX_INSTANCE_PATH": str(work / "instance"),
        "DX_SEARCH_BACKEND": args.backend,
        # Off by default: the warm-up and the browse pages repeat URLs, which the cache would
        # answer without rendering; this benchmark measures the page itself.
        "DX_PAGE_CACHE": "1" if args.page_cache else "0",
        "DX_RATE_LIMITS_ENABLED": "0",  # one client from 127.0.0.1 at full speed is not abuse
    }
    env.pop("DX_DATABASE_URL", None)
    try:
        (work / "catalog").mkdir()
        started = time.perf_counter()
        catalog(work / "catalog", args.tools, args.seed)
        subprocess.run([DX, "init"], env=env, check=True, capture_output=True)
        subprocess.run(
            [DX, "import", str(work / "catalog")], env=env, check=True, capture_output=True
        )
        print(
            f"instance with {args.tools} tools ready in {time.perf_counter() - started:.0f} s ({args.backend})"
        )
        server = subprocess.Popen(
            [GUNICORN, "-w", str(args.workers), "-b", f"127.0.0.1:{args.port}", "--log-level", "warning",
             "dx_match:create_app()"],
            env=env,
        )  # fmt: skip
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
            deadline = time.monotonic() + 60
            while True:
                try:
                    timed(conn, "/healthz")
                    break
                except (OSError, http.client.HTTPException):
                    if time.monotonic() > deadline:
                        raise
                    conn.close()
                    time.sleep(0.3)
            names = [
                f"tool-{i}" for i in random.Random(args.seed).sample(range(1, args.tools + 1), 20)
            ]
            paths = [url_for(spec) for spec in specs(args.requests, args.seed, names)]
            for path in paths[:40]:  # warm both workers: sidecars, analyzers, caches
                timed(conn, path)
                timed(conn, "/healthz")
            baseline = [timed(conn, "/healthz") for _ in range(args.requests)]
            browse = [
                timed(conn, f"/tools?page={1 + i % 5}&sort=price")
                for i in range(args.requests // 4)
            ]
            search = [timed(conn, path) for path in paths]
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = [
        ("healthz (baseline)", baseline),
        ("/tools browse + facets", browse),
        ("/tools search mix", search),
    ]
    print(
        f"{'request':<28}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'p95 / baseline':>16}"
    )
    base95 = percentiles(baseline)[1]
    for label, samples in rows:
        p50, p95, p99 = percentiles(samples)
        print(
            f"{label:<28}{len(samples):>6}{p50:>10.1f}{p95:>10.1f}{p99:>10.1f}{p95 / base95:>16.1f}"
        )
    cache = "on" if args.page_cache else "off"
    print(f"summary: n={args.tools} backend={args.backend} page_cache={cache} page_p95_ms={percentiles(search)[1]:.1f} "
          f"browse_p95_ms={percentiles(browse)[1]:.1f} healthz_p95_ms={base95:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
