"""Search benchmark: every text backend, plus an SQLite FTS5 baseline, over one synthetic catalog.

    .venv/bin/python bench/search.py --tools 10000
    .venv/bin/python bench/search.py --tools 100000 --backends whoosh,tantivy,postgres

Synthesizes N tools (bench/search_corpus.py), analyzes them once into search documents with
the app's one Analyzer, builds every backend from those documents, and times Q queries in
four kinds each (plain, filtered, facet counts, filtered + facet counts) through
`SearchService.search` itself: only where the app reads the database (the sidecar's
generation and records, the taxonomy labels) does the benchmark hand it what it built in
memory. The FTS5 baseline (bench/search_fts5.py) answers the same requests in SQL.
Timed requests are warm: before timing, the first search of each query text reads its terms
into the backends' posting caches; those first searches are reported apart as the cold case.
Its last line is `summary: n=N BACKEND_p95_ms=... fts5_p95_ms=...` (filtered + facet counts).
Never run by the test suite.
"""

from __future__ import annotations

import cProfile
import gc
import os
import pickle
import pstats
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import numpy as np
import search_corpus as corpus
from search_fts5 import Answer, Fts5Baseline

from dx_match.config import DEFAULT_RATES, parse_rates
from dx_match.i18n import localized
from dx_match.search import query as q
from dx_match.search.backends.base import Hits, TextBackend
from dx_match.search.documents import SearchDocument, ToolRecord, build_document
from dx_match.search.docvalues import DocValues, Filters
from dx_match.search.records import label_words
from dx_match.search.service import SearchRequest, SearchService, _vocabulary
from dx_match.search.synonyms import load_synonyms
from dx_match.search.tokenize import Analyzer
from dx_match.taxonomy.services import load_builtin

KINDS = ("plain", "filtered", "facets", "filtered+facets")
HEADLINE = "filtered+facets"
CHUNK = 1000
WARMUP = 40
PER_PAGE = 24
# Never the suite's database `test` (its schema is dropped by test runs); override with --pg-url.
DEFAULT_PG = os.environ.get(
    "DX_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/dx_bench"
)
QUIET_WAIT = [0.0]  # --quiet-wait: seconds to wait for other programs before each timed phase


def log(message: str) -> None:
    """Progress notes go to stderr; the figures go to stdout."""
    print(message, file=sys.stderr, flush=True)


def percentiles(values: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99 in milliseconds."""
    if not values:
        return (float("nan"),) * 3
    p50, p95, p99 = np.percentile(np.array(values) * 1000, [50, 95, 99])
    return float(p50), float(p95), float(p99)


# -- the catalog ----------------------------------------------------------------------------


@dataclass
class Catalog:
    """The analyzed corpus: documents spooled to disk, light records and the sidecar in memory."""

    spool: Path
    records: list[ToolRecord]
    vocabulary: q.Vocabulary
    analyzer: Analyzer
    synonyms: q.Synonyms
    timings: dict[str, float] = field(default_factory=dict)
    cpu: str = ""

    def documents(self) -> Iterator[SearchDocument]:
        """The search documents, read back from the spool (memory stays flat)."""
        with self.spool.open("rb") as handle:
            while True:
                try:
                    chunk = pickle.load(handle)
                except EOFError:
                    return
                for tool_id, fields in chunk:
                    yield SearchDocument(tool_id, fields, self.records[tool_id - 1])


def build_catalog(n_tools: int, seed: int, workdir: Path, profile: bool) -> Catalog:
    """Synthesize, analyze and spool every tool; time the analysis apart from the rest."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    words, groups = load_synonyms()
    labels = {
        (kind, row["code"]): row["name"] for kind, rows in load_builtin().items() for row in rows
    }
    # As SearchService.analyzer: synonyms.yaml words plus the taxonomy labels' words.
    analyzer = Analyzer([*words, *label_words(labels.values())])
    synonyms = q.Synonyms(analyzer, groups)
    timings["analyzer_s"] = time.perf_counter() - start
    spool = workdir / "documents.pickle"
    records: list[ToolRecord] = []
    counts: dict[str, int] = {}
    synth = analyze = 0.0
    profiler = cProfile.Profile() if profile else None
    meter = CpuMeter()
    n_vendors = max(10, n_tools // 8)
    with (
        spool.open("wb") as handle,
        click.progressbar(length=n_tools, label="analyzing tools", file=sys.stderr) as bar,
    ):
        for first in range(1, n_tools + 1, CHUNK):
            ids = range(first, min(first + CHUNK, n_tools + 1))
            t0 = time.perf_counter()
            full = [corpus.synthesize(i, seed, n_vendors) for i in ids]
            t1 = time.perf_counter()
            if profiler:
                profiler.enable()
            documents = [build_document(record, analyzer, labels) for record in full]
            if profiler:
                profiler.disable()
            t2 = time.perf_counter()
            synth, analyze = synth + t1 - t0, analyze + t2 - t1
            pickle.dump([(d.id, d.fields) for d in documents], handle, pickle.HIGHEST_PROTOCOL)
            for word, n in _vocabulary(full).counts.items():
                counts[word] = counts.get(word, 0) + n
            records.extend(corpus.light(record) for record in full)
            bar.update(len(full))
    timings.update(synthesize_s=synth, documents_s=analyze)
    cpu = meter.read()
    if profiler:
        print_profile(profiler, "build_document (analysis)")
    return Catalog(spool, records, q.Vocabulary(counts), analyzer, synonyms, timings, cpu)


# -- requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One timed search: its kind and what SearchService.search receives."""

    number: int
    kind: str
    request: SearchRequest


def make_requests(specs: list[corpus.Spec], seed: int) -> list[Request]:
    """Each query in the four kinds, shuffled so kinds and queries interleave."""
    out = []
    for spec in specs:
        for kind in KINDS:
            filters = spec.filters if kind.startswith("filtered") else Filters()
            request = SearchRequest(
                q=spec.text,
                filters=filters,
                lang=spec.lang,
                per_page=PER_PAGE,
                facets=kind.endswith("facets"),
            )
            out.append(Request(len(out), kind, request))
    random.Random(seed + 2).shuffle(out)
    return out


# -- running ------------------------------------------------------------------------------


class TimedBackend:
    """Passes everything to a backend, adding up the time spent in search() and has_index()."""

    def __init__(self, backend: TextBackend) -> None:
        self.backend = backend
        self.name = backend.name
        self.text = 0.0
        self.checks = 0.0

    def search(self, text_query: q.TextQuery) -> dict[int, float]:
        """The backend's search, timed."""
        start = time.perf_counter()
        try:
            return self.backend.search(text_query)
        finally:
            self.text += time.perf_counter() - start

    def hits(self, text_query: q.TextQuery, limit: int | None = None) -> Hits:
        """The backend's hits (what SearchService.search calls), timed."""
        start = time.perf_counter()
        try:
            return self.backend.hits(text_query, limit)
        finally:
            self.text += time.perf_counter() - start

    def has_index(self) -> bool:
        """The backend's has_index (SearchService asks it once per index generation)."""
        start = time.perf_counter()
        try:
            return self.backend.has_index()
        finally:
            self.checks += time.perf_counter() - start

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backend, name)


class BenchService(SearchService):
    """SearchService.search unchanged; the two reads of the database come from memory.

    `docvalues()` reads the index generation and every published record from the database in
    the app; here it returns the sidecar built once from the same records. `text_query()`
    returns the TextQuery built before timing (the same object for every engine) and builds
    any other text (typo corrections) as the app does.
    """

    def __init__(
        self,
        backend: TextBackend,
        workdir: Path,
        catalog: Catalog,
        sidecar: tuple[DocValues, q.Vocabulary],
        prepared: dict[str, q.TextQuery],
    ) -> None:
        # Given the analyzer, the `analyzer` property never reads taxonomy labels from the DB.
        super().__init__(
            backend,
            workdir / "indexer.lock",
            analyzer=catalog.analyzer,
            synonyms=catalog.synonyms,
        )
        self._sidecar = sidecar
        self._prepared = prepared

    def docvalues(self) -> tuple[DocValues, q.Vocabulary]:
        """The sidecar, as the app has it cached between index generations."""
        return self._sidecar

    def text_query(self, text: str) -> q.TextQuery:
        """The prepared TextQuery of a benchmark query, else the app's own building."""
        prepared = self._prepared.get(text)
        return prepared if prepared is not None else super().text_query(text)


@dataclass
class Result:
    """Timings and answers of one engine."""

    name: str
    build_s: float = float("nan")
    size_mb: float = float("nan")
    times: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    text: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    checks: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)
    answers: dict[int, Answer] = field(default_factory=dict)
    note: str = ""
    build_cpu: str = ""
    cpu: str = ""


def run_requests(
    result: Result,
    requests: list[Request],
    search: Callable[[Request], Answer],
    timed: TimedBackend | None,
    profile: bool,
) -> None:
    """Warm up, then time every request once, in the shuffled order.

    Warm means the backends' per-term posting caches hold the query's terms: the first
    search of each query text reads them (timed apart, as the cold case: after every index
    generation a term's first search pays it again).
    """
    wait_for_quiet(QUIET_WAIT[0])
    for request in requests[:WARMUP]:
        search(request)
    seen: set[str] = set()
    for request in requests:
        if request.request.q in seen:
            continue
        seen.add(request.request.q)
        start = time.perf_counter()
        search(request)
        result.first.append(time.perf_counter() - start)
    gc.collect()
    profiler = cProfile.Profile() if profile else None
    meter = CpuMeter()
    with click.progressbar(requests, label=f"querying {result.name}", file=sys.stderr) as bar:
        for request in bar:
            if timed:
                timed.text = timed.checks = 0.0
            if profiler:
                profiler.enable()
            start = time.perf_counter()
            answer = search(request)
            elapsed = time.perf_counter() - start
            if profiler:
                profiler.disable()
            result.times[request.kind].append(elapsed)
            result.answers[request.number] = answer
            if timed:
                result.text[request.kind].append(timed.text)
                result.checks.append(timed.checks)
    result.cpu = meter.read()
    if profiler:
        print_profile(profiler, f"{result.name} queries")


class CpuMeter:
    """How busy this process and the whole machine were since it started (others' load shows)."""

    def __init__(self) -> None:
        self.start = (os.times(), machine_jiffies())

    def read(self) -> str:
        """'this process N% of a core, machine M% of all cores' (Linux; empty elsewhere)."""
        (t0, (busy0, total0)), t1 = self.start, os.times()
        busy1, total1 = machine_jiffies()
        wall = t1.elapsed - t0.elapsed
        if not wall or total1 <= total0:
            return ""
        own = (t1.user + t1.system - t0.user - t0.system) / wall
        machine = (busy1 - busy0) / (total1 - total0)
        return (
            f"this process {own:.0%} of one core, machine {machine:.0%} of {os.cpu_count()} cores"
        )


def wait_for_quiet(limit: float) -> None:
    """On a shared machine, wait (at most `limit` s) until other programs use < 10% of it."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        start, busy0 = os.times(), machine_jiffies()
        time.sleep(3)
        end, busy1 = os.times(), machine_jiffies()
        own = (end.user + end.system - start.user - start.system) * os.sysconf("SC_CLK_TCK")
        total = busy1[1] - busy0[1]
        if not total or (busy1[0] - busy0[0] - own) / total < 0.1:
            return
    if limit:
        log("note: the machine stayed busy; timing anyway")


def machine_jiffies() -> tuple[int, int]:
    """Busy and total CPU time of the machine so far, from /proc/stat (0, 0 without it)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def open_backend(name: str, workdir: Path, pg_url: str) -> TextBackend:
    """A fresh backend of that name (raises with the reason when it cannot run here)."""
    if name == "whoosh":
        from dx_match.search.backends.whoosh_backend import WhooshBackend

        return WhooshBackend(workdir / "whoosh")
    if name == "tantivy":
        from dx_match.search.backends.tantivy_backend import TantivyBackend

        return TantivyBackend(workdir / "tantivy")
    if name == "postgres":
        import psycopg

        with psycopg.connect(pg_url.replace("+psycopg", ""), connect_timeout=3):
            pass
        from dx_match.search.backends.postgres_backend import PostgresBackend

        backend: TextBackend = PostgresBackend(pg_url, table=f"bench_search_{os.getpid()}")
        return backend
    raise click.BadParameter(f"unknown backend {name!r}")


def index_bytes(name: str, backend: TextBackend, workdir: Path, pg_url: str) -> int:
    """Directory size, or pg_total_relation_size of the backend's table(s)."""
    if name == "postgres":
        import psycopg

        table = getattr(backend, "table", f"bench_search_{os.getpid()}")
        with psycopg.connect(pg_url.replace("+psycopg", "")) as conn:
            row = conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "WHERE c.relkind IN ('r', 'm') AND c.relname LIKE %s",
                (f"{table}%",),
            ).fetchone()
        return int(row[0]) if row else 0
    root = workdir / name
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def answer_of(service: SearchService, request: Request) -> Answer:
    """Run one request through the service and keep what the engines must agree on."""
    response = service.search(request.request)
    return Answer(response.ids, response.total, response.facets)


def bench_backend(
    name: str, catalog: Catalog, sidecar: tuple[DocValues, q.Vocabulary], ctx: dict[str, Any]
) -> Result:
    """Build one backend from the spooled documents, then time every request through it."""
    result = Result(name)
    try:
        backend = open_backend(name, ctx["workdir"], ctx["pg_url"])
    except Exception as error:  # a missing module, an unreachable server: report, go on
        result.note = f"skipped: {type(error).__name__}: {error}".splitlines()[0]
        print(f"note: {name} {result.note}")
        return result
    try:
        n = len(catalog.records)
        wait_for_quiet(QUIET_WAIT[0])
        meter = CpuMeter()
        with click.progressbar(length=n, label=f"building {name}", file=sys.stderr) as bar:
            start = time.perf_counter()
            backend.rebuild(catalog.documents(), bar.update)
            result.build_s = time.perf_counter() - start
        result.build_cpu = meter.read()
        result.size_mb = index_bytes(name, backend, ctx["workdir"], ctx["pg_url"]) / 1e6
        timed = TimedBackend(backend)
        service = BenchService(timed, ctx["workdir"], catalog, sidecar, ctx["prepared"])
        run_requests(
            result,
            ctx["requests"],
            lambda r: answer_of(service, r),
            timed,
            ctx["profile"] == name,
        )
    finally:
        drop = getattr(backend, "drop", None)
        if callable(drop):
            drop()
        backend.close()
        shutil.rmtree(ctx["workdir"] / name, ignore_errors=True)
    return result


def bench_fts5(
    catalog: Catalog, sidecar: tuple[DocValues, q.Vocabulary], ctx: dict[str, Any]
) -> Result:
    """The SQLite FTS5 baseline over the same documents and the same TextQuery objects."""
    result = Result("fts5")
    service = BenchService(_NoBackend(), ctx["workdir"], catalog, sidecar, ctx["prepared"])
    baseline = Fts5Baseline(ctx["workdir"] / "fts5.sqlite", *sidecar, service.text_query)
    n = len(catalog.records)
    wait_for_quiet(QUIET_WAIT[0])
    meter = CpuMeter()
    with click.progressbar(length=n, label="building fts5", file=sys.stderr) as bar:
        start = time.perf_counter()
        baseline.build(catalog.documents(), bar.update)
        result.build_s = time.perf_counter() - start
    result.build_cpu = meter.read()
    result.size_mb = baseline.size_bytes() / 1e6
    ctx["fts5_codes"] = (baseline.industry_codes, baseline.region_codes)

    def search(request: Request) -> Answer:
        text = request.request.q
        text_query = service.text_query(text) if text.strip() else None
        return baseline.search(request.request, text_query)

    try:
        run_requests(result, ctx["requests"], search, None, ctx["profile"] == "fts5")
    finally:
        baseline.close()
    return result


class _NoBackend:
    """Stands in where BenchService wants a backend but only its query building is used."""

    name = "none"

    def has_index(self) -> bool:
        """Always there."""
        return True

    def search(self, text_query: q.TextQuery) -> dict[int, float]:
        """Never called."""
        raise AssertionError(text_query)

    def hits(self, text_query: q.TextQuery, limit: int | None = None) -> Hits:
        """Never called."""
        raise AssertionError(text_query, limit)


def bench_browse(
    catalog: Catalog, sidecar: tuple[DocValues, q.Vocabulary], ctx: dict[str, Any]
) -> list[Result]:
    """The tool list with no words: filters, facet counts, sorted by name (no text backend)."""
    rng = random.Random(ctx["seed"] + 3)
    requests = [
        Request(i, "browse", SearchRequest(filters=corpus.random_filters(rng), per_page=PER_PAGE))
        for i in range(ctx["browse"])
    ]
    service = BenchService(_NoBackend(), ctx["workdir"], catalog, sidecar, ctx["prepared"])
    sidecar_result = Result("sidecar", times={"browse": []}, text={"browse": []})
    run_requests(sidecar_result, requests, lambda r: answer_of(service, r), None, False)
    fts = Fts5Baseline(ctx["workdir"] / "fts5.sqlite", *sidecar, service.text_query)
    fts.industry_codes, fts.region_codes = ctx["fts5_codes"]
    fts.open()
    fts_result = Result("fts5", times={"browse": []}, text={"browse": []})
    try:
        run_requests(fts_result, requests, lambda r: fts.search(r.request, None), None, False)
    finally:
        fts.close()
    return [sidecar_result, fts_result]


# -- reporting ----------------------------------------------------------------------------


def agreement(reference: Result, other: Result, requests: list[Request]) -> str:
    """How often two engines gave the same total, the same page and the same facet counts."""
    same_total = same_page = same_facets = with_facets = 0
    for request in requests:
        a, b = reference.answers.get(request.number), other.answers.get(request.number)
        if a is None or b is None:
            continue
        same_total += a.total == b.total
        same_page += set(a.ids) == set(b.ids)
        if request.request.facets:
            with_facets += 1
            same_facets += a.facets == b.facets
    n = len(requests)
    return (
        f"| {other.name} | {reference.name} | {same_total}/{n} | {same_page}/{n} "
        f"| {same_facets}/{with_facets} |"
    )


def report(
    n_tools: int,
    ctx: dict[str, Any],
    catalog: Catalog,
    results: list[Result],
    browse: list[Result],
) -> None:
    """Markdown tables on stdout, then the one-line summary."""
    t = catalog.timings
    ran = [r for r in results if r.answers]
    print(
        f"\n## Search benchmark: n={n_tools} tools, {ctx['queries']} queries x 4 kinds, "
        f"seed {ctx['seed']}, {os.cpu_count()} CPUs\n"
    )
    print(f"code: {ctx['code']}; peak RSS {peak_rss_mb():.0f} MB\n")
    print("| step | seconds | per tool |\n|---|---|---|")
    print(
        f"| synthesize records (bench only) | {t['synthesize_s']:.1f} | "
        f"{t['synthesize_s'] / n_tools * 1000:.3f} ms |"
    )
    print(
        f"| analyze: build_document (tokenization) | {t['documents_s']:.1f} | "
        f"{t['documents_s'] / n_tools * 1000:.3f} ms |"
    )
    print(
        f"| DocValues sidecar | {t['docvalues_s']:.2f} | "
        f"{t['docvalues_s'] / n_tools * 1e6:.1f} µs |"
    )
    print(f"| Analyzer + Synonyms init | {t['analyzer_s']:.2f} | |")
    p = ctx["query_analysis"]
    print(
        f"\nquery.build (not in the timings below): p50 {p[0]:.3f} ms, p95 {p[1]:.3f} ms, "
        f"p99 {p[2]:.3f} ms\n"
    )
    print("| engine | build s (pre-tokenized) | build s incl. analysis | index MB |")
    print("|---|---|---|---|")
    for r in results:
        if r.note:
            print(f"| {r.name} | {r.note} | | |")
            continue
        print(
            f"| {r.name} | {r.build_s:.1f} | {r.build_s + t['documents_s']:.1f} | {r.size_mb:.0f} |"
        )
    fts = next((r for r in ran if r.name == "fts5"), None)
    print("\nSearchService.search end to end, ms (text = time inside backend.search)\n")
    print("| engine | kind | p50 | p95 | p99 | text p50 | text p95 | p95 / fts5 |")
    print("|---|---|---|---|---|---|---|---|")
    for r in ran:
        for kind in KINDS:
            a = percentiles(r.times[kind])
            b = percentiles(r.text[kind]) if r.text[kind] else (float("nan"),) * 3
            ratio = a[1] / percentiles(fts.times[kind])[1] if fts else float("nan")
            print(
                f"| {r.name} | {kind} | {a[0]:.2f} | {a[1]:.2f} | {a[2]:.2f} "
                f"| {b[0]:.2f} | {b[1]:.2f} | {ratio:.2f} |"
            )
    report_cpu(catalog, results, browse)
    for r in ran:
        if r.checks:
            print(
                f"\n{r.name}: has_index() (once per index generation) per search "
                f"mean {np.mean(r.checks) * 1000:.3f} ms, p95 {percentiles(r.checks)[1]:.3f} ms"
            )
    print(
        "\ncold: the first search of each query text (after the first 40 requests), "
        "term postings not yet read, ms\n"
    )
    print("| engine | searches | p50 | p95 | p99 |\n|---|---|---|---|---|")
    for r in ran:
        a = percentiles(r.first)
        print(f"| {r.name} | {len(r.first)} | {a[0]:.2f} | {a[1]:.2f} | {a[2]:.2f} |")
    print(f"\n{HEADLINE}, ms, and p95 ratio to fts5\n")
    print("| engine | p50 | p95 | p99 | p95 / fts5 |\n|---|---|---|---|---|")
    for r in ran:
        a = percentiles(r.times[HEADLINE])
        ratio = a[1] / percentiles(fts.times[HEADLINE])[1] if fts else float("nan")
        print(f"| {r.name} | {a[0]:.2f} | {a[1]:.2f} | {a[2]:.2f} | {ratio:.2f} |")
    if browse:
        print("\nbrowse: no words, filtered + facet counts, sorted by name, ms\n")
        print("| engine | p50 | p95 | p99 |\n|---|---|---|---|")
        for r in browse:
            a = percentiles(r.times["browse"])
            print(f"| {r.name} | {a[0]:.2f} | {a[1]:.2f} | {a[2]:.2f} |")
    if len(ran) > 1:
        print("\nagreement per request (same total / same page of ids / same facet counts)\n")
        print("| engine | with | totals | pages | facets |\n|---|---|---|---|---|")
        for other in ran[1:]:
            print(agreement(ran[0], other, ctx["requests"]))
    parts = [f"{r.name}_p95_ms={percentiles(r.times[HEADLINE])[1]:.2f}" for r in ran]
    print(f"\nsummary: n={n_tools} " + " ".join(parts))


def report_cpu(catalog: Catalog, results: list[Result], browse: list[Result]) -> None:
    """CPU use per phase, so a run disturbed by other programs can be told apart."""
    print("\nCPU during each phase (another program's load shows as machine % above ~50):\n")
    print(f"- analysis: {catalog.cpu}")
    for r in results:
        if r.build_cpu:
            print(f"- {r.name} build: {r.build_cpu}")
        if r.cpu:
            print(f"- {r.name} queries: {r.cpu}")
    for r in browse:
        print(f"- browse {r.name}: {r.cpu}")


def peak_rss_mb() -> float:
    """The peak resident memory of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def code_state() -> str:
    """The commit, and any uncommitted search code, so figures can be traced to code."""
    root = Path(__file__).resolve().parents[1]

    def git(*args: str) -> str:
        run = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
        return run.stdout

    dirty = git("status", "--porcelain", "--", "dx_match/search").splitlines()
    changed = ", ".join(line[3:].removeprefix("dx_match/search/") for line in dirty)
    return f"commit {git('rev-parse', '--short', 'HEAD').strip()}" + (
        f", uncommitted in dx_match/search: {changed}" if changed else ""
    )


def print_profile(profiler: cProfile.Profile, title: str) -> None:
    """The top costs of a profiled phase, on stderr."""
    print(f"\n=== profile: {title} ===", file=sys.stderr)
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats(20)


@click.command()
@click.option("--tools", "n_tools", type=click.IntRange(min=100), default=10_000, show_default=True)
@click.option(
    "--queries",
    type=click.IntRange(min=75),
    default=400,
    show_default=True,
    help="Query texts; each runs in the four kinds.",
)
@click.option("--backends", default="whoosh,tantivy,postgres", show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--pg-url", default=DEFAULT_PG, show_default=True)
@click.option(
    "--browse",
    type=click.IntRange(min=0),
    default=100,
    show_default=True,
    help="Requests without words (sidecar and FTS5 only).",
)
@click.option(
    "--profile",
    default=None,
    help="cProfile one phase to stderr: documents, fts5 or a backend name.",
)
@click.option(
    "--quiet-wait",
    type=click.FloatRange(min=0),
    default=0,
    show_default=True,
    help="On a shared machine, wait up to this many seconds for other load to stop "
    "before each build and query phase.",
)
@click.option(
    "--workdir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where indexes go (a fresh temporary directory by default).",
)
def main(**options: Any) -> None:
    """Build every backend and FTS5 over N synthetic tools; print build, size and latency."""
    n_tools = options["n_tools"]
    QUIET_WAIT[0] = options["quiet_wait"]
    workdir = options["workdir"] or Path(tempfile.mkdtemp(prefix="dx-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        catalog = build_catalog(
            n_tools, options["seed"], workdir, options["profile"] == "documents"
        )
        start = time.perf_counter()
        sidecar = (DocValues(catalog.records, parse_rates(DEFAULT_RATES)), catalog.vocabulary)
        catalog.timings["docvalues_s"] = time.perf_counter() - start
        rng = random.Random(options["seed"])
        names = [localized(r.name, "en") for r in rng.sample(catalog.records, min(500, n_tools))]
        specs = corpus.specs(options["queries"], options["seed"], names)
        prepared: dict[str, q.TextQuery] = {}
        analysis = []
        for spec in specs:
            start = time.perf_counter()
            prepared[spec.text] = q.build(spec.text, catalog.analyzer, catalog.synonyms)
            analysis.append(time.perf_counter() - start)
        ctx: dict[str, Any] = {
            "workdir": workdir,
            "pg_url": options["pg_url"],
            "prepared": prepared,
            "requests": make_requests(specs, options["seed"]),
            "profile": options["profile"],
            "seed": options["seed"],
            "queries": options["queries"],
            "browse": options["browse"],
            "query_analysis": percentiles(analysis),
            "code": code_state(),
        }
        results = [
            bench_backend(name.strip(), catalog, sidecar, ctx)
            for name in options["backends"].split(",")
            if name.strip()
        ]
        fts = bench_fts5(catalog, sidecar, ctx)
        results.append(fts)
        browse: list[Result] = []
        if options["browse"]:
            browse = bench_browse(catalog, sidecar, ctx)
        report(n_tools, ctx, catalog, results, browse)
    finally:
        if options["workdir"] is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
