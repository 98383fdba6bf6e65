"""Where a warm search's time goes, phase by phase, for one backend (a profile, not a benchmark).

    .venv/bin/python bench/search_phases.py --tools 100000 --backend tantivy --rounds 5

Builds the catalog and one backend as bench/search.py does, warms every query, then runs
the filtered + facet-count requests `rounds` times, timing each phase of
`SearchService.search` in this thread's CPU time (`time.thread_time_ns`: other programs'
load slows it far less than wall-clock time): the text evaluation (the backend's
`hits`), the sidecar's mapping of hits to rows, the filter masks, the facet counts and the
ordering. It prints, per phase, the median over rounds of each request's time, then the
p50/p95 over requests: on a shared machine the median of repeats filters out most of the
rest. Run it on two versions of the code and compare the ratios.
"""

from __future__ import annotations

import pickle
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search as bench

from dx_match.config import DEFAULT_RATES, parse_rates
from dx_match.i18n import localized
from dx_match.search import query as q
from dx_match.search.docvalues import DocValues
from dx_match.search.records import label_words
from dx_match.search.synonyms import load_synonyms
from dx_match.search.tokenize import Analyzer
from dx_match.taxonomy.services import load_builtin

PHASES = ("text", "rows", "masks", "counts", "order", "total")


class Clock:
    """Nanoseconds spent per phase in the request being timed."""

    def __init__(self) -> None:
        self.spent: dict[str, int] = defaultdict(int)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Add the time of the block to `name`."""
        start = time.thread_time_ns()
        try:
            yield
        finally:
            self.spent[name] += time.thread_time_ns() - start


def timed(clock: Clock, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function`, adding its time to the clock's phase `name`."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with clock.phase(name):
            return function(*args, **kwargs)

    return wrapper


def cached_catalog(n_tools: int, seed: int, workdir: Path, cache: Path | None) -> bench.Catalog:
    """The analyzed catalog, from `cache` when an earlier run left it there."""
    if cache is None:
        return bench.build_catalog(n_tools, seed, workdir, profile=False)
    saved = cache / f"catalog-{n_tools}-{seed}.pickle"
    spool = cache / f"documents-{n_tools}-{seed}.pickle"
    if saved.exists() and spool.exists():
        records, counts, timings = pickle.loads(saved.read_bytes())
        words, groups = load_synonyms()
        labels = {
            (k, row["code"]): row["name"] for k, rows in load_builtin().items() for row in rows
        }
        analyzer = Analyzer([*words, *label_words(labels.values())])
        synonyms = q.Synonyms(analyzer, groups)
        return bench.Catalog(spool, records, q.Vocabulary(counts), analyzer, synonyms, timings)
    cache.mkdir(parents=True, exist_ok=True)
    catalog = bench.build_catalog(n_tools, seed, workdir, profile=False)
    shutil.copyfile(catalog.spool, spool)
    saved.write_bytes(
        pickle.dumps((catalog.records, dict(catalog.vocabulary.counts), catalog.timings))
    )
    catalog.spool = spool
    return catalog


@click.command()
@click.option("--tools", "n_tools", type=int, default=100_000, show_default=True)
@click.option("--queries", type=int, default=400, show_default=True)
@click.option("--backend", "backend_name", default="tantivy", show_default=True)
@click.option("--rounds", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--kind", default=bench.HEADLINE, show_default=True)
@click.option(
    "--cache",
    type=click.Path(path_type=Path),
    default=None,
    help="Keep the analyzed catalog here and reuse it in later runs (same --tools and --seed).",
)
def main(  # noqa: PLR0917  (click passes the options)
    n_tools: int,
    queries: int,
    backend_name: str,
    rounds: int,
    seed: int,
    kind: str,
    cache: Path | None,
) -> None:
    """Per-phase medians of warm searches through SearchService.search."""
    import random

    workdir = Path(tempfile.mkdtemp(prefix="dx-phases-"))
    catalog = cached_catalog(n_tools, seed, workdir, cache)
    sidecar = (DocValues(catalog.records, parse_rates(DEFAULT_RATES)), catalog.vocabulary)
    rng = random.Random(seed)
    names = [localized(r.name, "en") for r in rng.sample(catalog.records, min(500, n_tools))]
    specs = bench.corpus.specs(queries, seed, names)
    prepared = {s.text: q.build(s.text, catalog.analyzer, catalog.synonyms) for s in specs}
    requests = [r for r in bench.make_requests(specs, seed) if r.kind == kind]
    backend = bench.open_backend(backend_name, workdir, "")
    start = time.perf_counter()
    backend.rebuild(catalog.documents())
    bench.log(f"built {backend_name} in {time.perf_counter() - start:.1f} s")
    clock = Clock()
    service = bench.BenchService(backend, workdir, catalog, sidecar, prepared)
    docvalues = sidecar[0]
    # Instance attributes shadow the methods: SearchService.search itself stays unchanged.
    backend.hits = timed(clock, "text", backend.hits)  # type: ignore[method-assign]
    docvalues.rows_of = timed(clock, "rows", docvalues.rows_of)  # type: ignore[method-assign]
    docvalues.masks = timed(clock, "masks", docvalues.masks)  # type: ignore[method-assign]
    docvalues.counts = timed(clock, "counts", docvalues.counts)  # type: ignore[method-assign]
    service._order = timed(clock, "order", service._order)  # type: ignore[method-assign]
    for request in requests:  # warm: every term read into the posting cache
        service.search(request.request)
    per_request: dict[str, list[list[int]]] = {p: [[] for _ in requests] for p in PHASES}
    for _round in range(rounds):
        for i, request in enumerate(requests):
            clock.spent.clear()
            with clock.phase("total"):
                service.search(request.request)
            for phase in PHASES:
                per_request[phase][i].append(clock.spent.get(phase, 0))
    print(f"\n{backend_name}, n={n_tools}, {len(requests)} {kind} requests x {rounds} rounds")
    print(f"code: {bench.code_state()}")
    print("| phase | p50 ms | p95 ms | p99 ms | mean ms |\n|---|---|---|---|---|")
    for phase in PHASES:
        medians = np.median(np.array(per_request[phase], dtype=np.float64), axis=1) / 1e6
        p50, p95, p99 = np.percentile(medians, [50, 95, 99])
        print(f"| {phase} | {p50:.3f} | {p95:.3f} | {p99:.3f} | {medians.mean():.3f} |")
    totals = np.median(np.array(per_request["total"], dtype=np.float64), axis=1)
    slowest = np.argsort(-totals)[:8]
    print("\nslowest requests (median ms: text / total):")
    for i in slowest:
        text = np.median(per_request["text"][i]) / 1e6
        print(f"- {text:.2f} / {totals[i] / 1e6:.2f}  {requests[i].request.q!r}")
    backend.close()
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
