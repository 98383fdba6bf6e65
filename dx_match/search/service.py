"""The search service: a text backend plus the doc-values sidecar, for pages, API and CLI."""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from flask import Flask, current_app

from dx_match.errors import DxError
from dx_match.extensions import db
from dx_match.i18n import localized
from dx_match.search import query as q
from dx_match.search.backends.base import NO_HITS, Hits, Progress, TextBackend
from dx_match.search.documents import SearchDocument, build_document, texts
from dx_match.search.docvalues import DocValues, Filters, fresh_since
from dx_match.search.models import SearchOutbox, SearchState
from dx_match.search.records import (
    CHUNK,
    label_words,
    published_ids,
    published_records,
    taxonomy_labels,
)
from dx_match.search.synonyms import load_synonyms
from dx_match.search.tokenize import Analyzer

SORTS = ("relevance", "price", "newest", "name", "rating")
# After a background rebuild failed, searches wait this long before starting another one.
REBUILD_RETRY_SECONDS = 30.0
# "Any word" results kept when every word together found nothing (best-scoring first).
RELAXED_LIMIT = 1000
EXTENSION_KEY = "dx_search"


@dataclass(frozen=True)
class SearchRequest:
    """What to search for and how to show it."""

    q: str = ""
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 24
    lang: str = "en"
    facets: bool = True


@dataclass
class SearchResponse:
    """One page of results in rank order, with facet counts and what happened to the query."""

    ids: list[int]
    total: int
    scores: dict[int, float] = field(default_factory=dict)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    terms: set[str] = field(default_factory=set)
    relaxed: bool = False
    suggestion: str | None = None
    corrected: bool = False
    rebuilding: bool = False
    ignored_query: bool = False


class IndexUnwritable(DxError):
    """The index files cannot be written (read-only folder, disk full): one clear line."""

    status = 503

    def __init__(self, error: OSError) -> None:
        where = error.filename or "the search index folder"
        super().__init__(
            f"the search index cannot be written at {where} ({error.strerror or error}): "
            "the site keeps serving and queued changes stay in the outbox; make the folder "
            "writable (or free space), then run `dx-match search drain` or `reindex`"
        )


@contextmanager
def _index_writes() -> Iterator[None]:
    """Turn a file-system failure while writing the index into IndexUnwritable."""
    try:
        yield
    except OSError as exc:
        db.session.rollback()  # the outbox rows read stay queued for the next attempt
        raise IndexUnwritable(exc) from exc


@dataclass(frozen=True)
class Drift:
    """Differences between the index and the published rows."""

    missing: set[int]
    extra: set[int]
    pending: int

    @property
    def ok(self) -> bool:
        """True when the index holds exactly the published tools."""
        return not self.missing and not self.extra


def make_backend(app: Flask) -> TextBackend:
    """The backend chosen by DX_SEARCH_BACKEND, its files under the instance folder."""
    name = app.config["DX_SEARCH_BACKEND"]
    root = Path(app.instance_path) / "search"
    if name == "tantivy":
        from dx_match.search.backends.tantivy_backend import TantivyBackend

        return TantivyBackend(root / "tantivy")
    if name == "postgres":
        from dx_match.search.backends.postgres_backend import PostgresBackend

        backend: TextBackend = PostgresBackend(app.config["SQLALCHEMY_DATABASE_URI"])
        return backend
    from dx_match.search.backends.whoosh_backend import WhooshBackend

    return WhooshBackend(root / "whoosh")


class SearchService:
    """Search over published tools; the index follows the database through the outbox."""

    def __init__(
        self,
        backend: TextBackend,
        lock_path: Path,
        *,
        analyzer: Analyzer | None = None,
        synonyms: q.Synonyms | None = None,
    ) -> None:
        self.backend = backend
        self.lock_path = lock_path
        # An analyzer can be shared (it is costly to build); both or neither must be given.
        self._analyzer = analyzer if synonyms is not None else None
        self._synonyms = synonyms if analyzer is not None else None
        self._docvalues: tuple[int, DocValues, q.Vocabulary] | None = None
        self._setup = threading.Lock()
        self._rebuild_thread: threading.Thread | None = None
        self._checked: DocValues | None = None  # the index was usable with this sidecar
        self._rebuild_failed_at = -REBUILD_RETRY_SECONDS  # monotonic time of the last failure

    # -- analysis ---------------------------------------------------------------------

    @property
    def analyzer(self) -> Analyzer:
        """The shared analyzer: domain words from synonyms.yaml and the taxonomy labels."""
        with self._setup:
            if self._analyzer is None:
                words, groups = load_synonyms()
                labels = taxonomy_labels()
                self._analyzer = Analyzer([*words, *label_words(labels.values())])
                self._synonyms = q.Synonyms(self._analyzer, groups)
            return self._analyzer

    @property
    def synonyms(self) -> q.Synonyms:
        """The synonym groups, analyzed."""
        self.analyzer  # noqa: B018 - builds both
        assert self._synonyms is not None
        return self._synonyms

    def text_query(self, text: str) -> q.TextQuery:
        """User text as a TextQuery."""
        return q.build(text, self.analyzer, self.synonyms)

    # -- reading ----------------------------------------------------------------------

    def generation(self) -> int:
        """The index generation in the database (0 before the first build)."""
        return db.session.scalar(sa.select(SearchState.generation).where(SearchState.id == 1)) or 0

    def docvalues(self) -> tuple[DocValues, q.Vocabulary]:
        """The sidecar for the current generation, reloaded when another process changed it."""
        generation = self.generation()
        cached = self._docvalues
        if cached is None or cached[0] != generation:
            records = list(published_records())
            rates = current_app.config["DX_RATES"]
            cached = (generation, DocValues(records, rates), _vocabulary(records))
            self._docvalues = cached
        return cached[1], cached[2]

    def search(self, request: SearchRequest) -> SearchResponse:
        """Match, filter, count facets, sort and page."""
        docvalues, vocabulary = self.docvalues()
        n = len(docvalues)
        response = SearchResponse(ids=[], total=0)
        base = np.ones(n, dtype=np.bool_)
        score = np.zeros(n, dtype=np.float64)  # per sidecar row; 0 where nothing matched
        text_query = self.text_query(request.q) if request.q.strip() else None
        if text_query is not None and text_query.empty:
            response.ignored_query = True
            text_query = None
        if text_query is not None:
            found = self._text_hits(docvalues, text_query, request.q, vocabulary, response)
            if found is None:
                response.rebuilding = True
                base = _substring_mask(docvalues, request.q)
            else:
                hits, text_query = found
                response.terms = text_query.terms
                rows = docvalues.rows_of(hits.ids)
                known = rows >= 0  # a hit the sidecar lacks is a tool unpublished meanwhile
                base = np.zeros(n, dtype=np.bool_)
                base[rows[known]] = True
                score[rows[known]] = hits.scores[known]
        masks = docvalues.masks(request.filters)
        final = base.copy()
        for mask in masks.values():
            final &= mask
        if request.facets:
            fresh = request.filters.verified_since or fresh_since(date.today())
            response.facets = docvalues.counts(base, masks, request.filters.users, fresh)
        start = (max(request.page, 1) - 1) * request.per_page
        rows = np.flatnonzero(final)
        response.total = len(rows)
        page_rows = self._order(
            docvalues, rows, score, request, text_query, count=start + request.per_page
        )
        response.ids = [int(docvalues.ids[row]) for row in page_rows[start:]]
        response.scores = {
            int(docvalues.ids[row]): float(score[row]) for row in page_rows[start:] if score[row]
        }
        return response

    def _text_hits(
        self,
        docvalues: DocValues,
        text_query: q.TextQuery,
        text: str,
        vocabulary: q.Vocabulary,
        response: SearchResponse,
    ) -> tuple[Hits, q.TextQuery] | None:
        """What the text backend matched, or None while the index is missing (being rebuilt)."""
        # has_index() opens the index (0.3-0.9 ms): ask it once per sidecar, that is per index
        # generation, and again when a search fails (the index went missing meanwhile).
        if self._checked is not docvalues:
            if not self.ensure_index():
                return None
            self._checked = docvalues
        try:
            return self._match(text_query, text, vocabulary, response)
        except Exception:
            self._checked = None
            if self.ensure_index():
                raise  # the index is there: a real failure, not a missing index
            return None

    def _match(
        self, text_query: q.TextQuery, text: str, vocabulary: q.Vocabulary, response: SearchResponse
    ) -> tuple[Hits, q.TextQuery]:
        """All words; else the typo-corrected query; else any word (each corrected or not).

        "Any word" matches most of a large catalog, so only its RELAXED_LIMIT best-scoring
        tools are kept (and counted in the facets): past them, results share no word asked for.
        """
        hits = self.backend.hits(text_query)
        if len(hits):
            return hits, text_query
        suggestion = vocabulary.suggest(text)
        corrected = self.text_query(suggestion) if suggestion else None
        response.suggestion = suggestion
        if corrected is not None and len(hits := self.backend.hits(corrected)):
            response.corrected = True
            return hits, corrected
        relaxed = text_query.relaxed()
        if len(hits := self.backend.hits(relaxed, RELAXED_LIMIT)):
            response.relaxed = True
            return hits, relaxed
        if corrected is not None and len(
            hits := self.backend.hits(corrected.relaxed(), RELAXED_LIMIT)
        ):
            response.corrected = response.relaxed = True
            return hits, corrected.relaxed()
        return NO_HITS, text_query

    def _order(
        self,
        docvalues: DocValues,
        rows: np.ndarray[Any, Any],
        score: np.ndarray[Any, Any],
        request: SearchRequest,
        text_query: q.TextQuery | None,
        *,
        count: int,
    ) -> np.ndarray[Any, Any]:
        """The first `count` rows in the requested order; ties broken by name order."""
        lang = request.lang
        rank = docvalues.name_rank(lang, lambda r: localized(r.name, lang).casefold())
        sort = request.sort if request.sort in SORTS else "relevance"
        if sort == "relevance" and text_query is None:
            sort = "name"
        if sort in ("price", "newest", "rating"):
            return _first(
                rows, _sort_key(docvalues, rows, sort, request.filters.users), rank, count
            )
        if sort == "relevance":
            assert text_query is not None
            if not text_query.language:
                return _first(rows, -score[rows], rank, count)
            # Tools with a UI in the query's language first, then by score.
            speaks = docvalues.speaks(text_query.language)[rows]
            first = _first(rows[speaks], -score[rows[speaks]], rank, count)
            if len(first) >= count:
                return first
            others = rows[~speaks]
            return np.concatenate([first, _first(others, -score[others], rank, count - len(first))])
        return _first(rows, rank[rows], rank, count)

    # -- writing ----------------------------------------------------------------------

    @contextmanager
    def _indexer_lock(self) -> Iterator[None]:
        """One indexer at a time on this machine (Whoosh allows one writer)."""
        # Never wait for the indexer while holding the database: on SQLite an open transaction
        # holds the write lock (BEGIN IMMEDIATE) that the indexer we wait for needs to finish.
        db.session.commit()
        with _index_writes():
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            handle = self.lock_path.open("a")  # "a": never truncates, the same lock either way
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def documents(self, ids: list[int] | None = None) -> Iterator[SearchDocument]:
        """Search documents of published tools (all, or these ids)."""
        labels = taxonomy_labels()
        for record in published_records(ids):
            yield build_document(record, self.analyzer, labels)

    def rebuild(self, progress: Progress | None = None) -> int:
        """Build a fresh index of every published tool, swap it in, and clear what it covers."""
        with self._indexer_lock():
            covered = list(db.session.scalars(sa.select(SearchOutbox.id)))
            ids = sorted(published_ids())
            # Edits from here on get outbox rows not in `covered` and stay for drain(), so the build
            # need not hold a transaction: on SQLite that would block every listing edit.
            db.session.commit()
            with _index_writes():
                self.backend.rebuild(self._documents_in_chunks(ids), progress)
            _delete_outbox(covered)
            self._bump()
            db.session.commit()
        return len(ids)

    def _documents_in_chunks(self, ids: list[int]) -> Iterator[SearchDocument]:
        """Documents of these tools; each chunk is read in a transaction ended before indexing."""
        labels = taxonomy_labels()
        analyzer = self.analyzer
        for start in range(0, len(ids), CHUNK):
            records = list(published_records(ids[start : start + CHUNK]))
            db.session.commit()
            yield from (build_document(record, analyzer, labels) for record in records)

    def drain(self) -> int:
        """Apply every pending outbox entry to the index; return how many tools changed."""
        with self._indexer_lock():
            # Delete exactly the rows applied: on PostgreSQL a row with a lower id can become
            # visible after a higher one, so "every id up to the highest seen" could lose it.
            rows = db.session.execute(sa.select(SearchOutbox.id, SearchOutbox.tool_id)).all()
            if not rows:
                db.session.rollback()  # end the read: on SQLite it holds the write lock
                return 0
            ids = sorted({tool_id for _id, tool_id in rows})
            documents = list(self.documents(ids))
            gone = set(ids) - {d.id for d in documents}
            with _index_writes():
                if documents:
                    self.backend.upsert(documents)
                if gone:
                    self.backend.delete(gone)  # unpublished, archived, rejected or deleted
            _delete_outbox([row_id for row_id, _tool in rows])
            self._bump()
            db.session.commit()
            return len(ids)

    def _bump(self) -> None:
        state = db.session.get(SearchState, 1)
        if state is None:
            db.session.add(SearchState(id=1, generation=1))
        else:
            state.generation += 1

    def check(self) -> Drift:
        """What the index lacks or holds in excess, compared with the published tools."""
        indexed = self.backend.ids() if self.backend.has_index() else set()
        published = published_ids()
        pending = db.session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox)) or 0
        return Drift(missing=published - indexed, extra=indexed - published, pending=pending)

    def ensure_index(self) -> bool:
        """True when the index is usable; otherwise start rebuilding it in the background."""
        if self.backend.has_index():
            return True
        with self._setup:
            if time.monotonic() - self._rebuild_failed_at < REBUILD_RETRY_SECONDS:
                return False  # it failed just now (unwritable folder?): do not retry per search
            if self._rebuild_thread is None or not self._rebuild_thread.is_alive():
                app = current_app._get_current_object()  # type: ignore[attr-defined]
                self._rebuild_thread = threading.Thread(
                    target=_rebuild_in_background, args=(app, self), daemon=True
                )
                self._rebuild_thread.start()
        return False


def _sort_key(
    docvalues: DocValues, rows: np.ndarray[Any, Any], sort: str, users: int
) -> np.ndarray[Any, Any]:
    """Ascending keys for the price, newest and rating orders."""
    if sort == "price":
        return np.asarray(docvalues.monthly_usd(users)[rows])
    if sort == "newest":
        return np.asarray(-docvalues.created[rows])
    # Best average first; more reviews break ties; unrated tools (0) last.
    count = np.minimum(docvalues.rating_count[rows], 999_999)
    return np.asarray(-(docvalues.rating[rows] * 1e6 + count))


def _first(
    rows: np.ndarray[Any, Any],
    key: np.ndarray[Any, Any],
    rank: np.ndarray[Any, Any],
    count: int,
) -> np.ndarray[Any, Any]:
    """The `count` rows first by (key, name rank): a partition, then a sort of those only."""
    if count < len(rows):
        # Everything tied with the count-th key stays in, so the name rank decides among them.
        kth = np.partition(key, count - 1)[count - 1]
        keep = key <= kth
        rows, key = rows[keep], key[keep]
    return rows[np.lexsort((rank[rows], key))][:count]


def _delete_outbox(row_ids: list[int]) -> None:
    """Delete these outbox rows (in chunks: SQLite caps the number of bound parameters)."""
    for start in range(0, len(row_ids), 500):
        chunk = row_ids[start : start + 500]
        db.session.execute(sa.delete(SearchOutbox).where(SearchOutbox.id.in_(chunk)))


def _rebuild_in_background(app: Flask, service: SearchService) -> None:
    with app.app_context():
        try:
            service.rebuild()
        except IndexUnwritable as exc:
            service._rebuild_failed_at = time.monotonic()
            app.logger.error("search index rebuild failed: %s", exc)
        except Exception:
            service._rebuild_failed_at = time.monotonic()
            app.logger.exception("search index rebuild failed")
        finally:
            db.session.remove()


def _substring_mask(docvalues: DocValues, text: str) -> np.ndarray[Any, Any]:
    """While the index is rebuilt: a plain substring match over names and summaries."""
    needle = text.casefold().strip()
    return np.array(
        [
            any(needle in t.casefold() for t in (*texts(r.name), *texts(r.summary)))
            for r in docvalues.records
        ],
        dtype=np.bool_,
    )


def _vocabulary(records: list[Any]) -> q.Vocabulary:
    """Latin words of names, summaries and vendors, counted per tool, for 'did you mean'."""
    counts: dict[str, int] = {}
    for record in records:
        words: set[str] = set()
        for value in (*texts(record.name), *texts(record.summary), *texts(record.vendor)):
            words.update(w.lower() for w in q.LATIN_WORD.findall(value))
        for word in words:
            counts[word] = counts.get(word, 0) + 1
    return q.Vocabulary(counts)


def search_service(app: Flask | None = None) -> SearchService:
    """The app's search service (created on first use)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    service = app.extensions.get(EXTENSION_KEY)
    if service is None:
        lock = Path(app.instance_path) / "search" / "indexer.lock"
        service = SearchService(make_backend(app), lock)
        app.extensions[EXTENSION_KEY] = service
    assert isinstance(service, SearchService)
    return service


def start_indexer_thread(app: Flask, interval: float = 2.0) -> threading.Thread:
    """The embedded indexer: drains the outbox in the background of a one-process server."""

    def loop() -> None:
        while True:
            with app.app_context():
                try:
                    search_service(app).drain()
                except IndexUnwritable as exc:
                    app.logger.error("indexer: %s", exc)
                except Exception:
                    app.logger.exception("indexer batch failed; the outbox keeps it for later")
                finally:
                    db.session.remove()
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="dx-indexer", daemon=True)
    thread.start()
    return thread
