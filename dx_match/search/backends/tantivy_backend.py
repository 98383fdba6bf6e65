"""Tantivy (the `fast` extra): a Rust index on disk, 30-40x faster than Whoosh at 100k tools."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import tantivy
from tantivy import Occur, Query

from dx_match.search.backends.base import NO_HITS, Hits, Progress
from dx_match.search.backends.postings import Posting, TermPostings
from dx_match.search.documents import FIELD_BOOSTS, TEXT_FIELDS, SearchDocument
from dx_match.search.query import TextQuery

# Tantivy's own "whitespace" tokenizer splits on spaces and changes nothing else: the
# shared analyzer already lower-cased, stemmed and segmented the text (CJK and kana too).
TOKENIZER = "whitespace"
# Positions are never used (no phrase queries), so index term frequencies only.
INDEX_OPTION = "freq"
REBUILD_HEAP = 128_000_000  # split across the rebuild threads (tantivy wants >= 15 MB each)
UPSERT_HEAP = 32_000_000  # upserts are a handful of documents
# Two indexing threads at most: a rebuild runs beside the web workers on small hosts.
REBUILD_THREADS = max(1, min(2, os.cpu_count() or 1))
WRITER_TIMEOUT = 10.0  # tantivy allows one writer per index, across processes; wait for it
WRITER_POLL = 0.05
PROGRESS_EVERY = 500


def schema() -> tantivy.Schema:
    """The tool id (indexed to delete by, fast to map hits back) and the pre-tokenized fields."""
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", indexed=True, fast=True)
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name=TOKENIZER, index_option=INDEX_OPTION)
    return builder.build()


def _document(document: SearchDocument) -> tantivy.Document:
    return tantivy.Document(id=document.id, **document.fields)


@dataclass
class _Live:
    """The index the `current` symlink pointed at when it was opened, and its reader state."""

    target: str
    index: tantivy.Index
    stamp: tuple[int, int, int]
    postings: TantivyPostings | None = None  # of the commit read last; None after a reload


class TantivyPostings(TermPostings):
    """Each term's hits read once from one tantivy searcher; slots index the sorted tool ids.

    Tantivy sums the scores of a boolean query's matching clauses, so a query's score is the
    sum of its terms' (the `_term` queries); numpy then combines them. A query matching most
    of the catalog no longer collects, sorts and converts every hit in tantivy on each search.
    """

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema) -> None:
        self.searcher, self.schema = searcher, schema
        self.universe = np.sort(_all_ids(searcher))
        super().__init__(len(self.universe))

    def read(self, term: str) -> Posting:
        """The documents holding the term in any field, with its boosted BM25 score there."""
        if not self.size:
            return Posting(self.universe, np.zeros(0, dtype=np.float64))
        found = self.searcher.search(_term(self.schema, term), limit=self.size, count=False).hits
        if not found:
            return Posting(self.universe[:0], np.zeros(0, dtype=np.float64))
        ids = self.searcher.fast_field_values("id", [address for _score, address in found])
        slots = np.searchsorted(self.universe, np.array(ids, dtype=np.int64))
        scores = np.fromiter((score for score, _a in found), dtype=np.float64, count=len(found))
        order = np.argsort(slots, kind="stable")
        return Posting(slots[order], scores[order])


def _all_ids(searcher: tantivy.Searcher) -> npt.NDArray[np.int64]:
    """Every live document's tool id."""
    if searcher.num_docs == 0:
        return np.zeros(0, dtype=np.int64)
    hits = searcher.search(Query.all_query(), limit=searcher.num_docs, count=False).hits
    values = searcher.fast_field_values("id", [address for _score, address in hits])
    return np.array([v for v in values if v is not None], dtype=np.int64)


class TantivyBackend:
    """An index directory behind a `current` symlink, swapped atomically on rebuild."""

    name = "tantivy"

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._live: _Live | None = None

    @property
    def current(self) -> Path:
        """The symlink to the live index directory."""
        return self.root / "current"

    def has_index(self) -> bool:
        """True when the live index opens and has this schema's fields."""
        try:
            index = tantivy.Index.open(str(self.current))
            _ = index.searcher().num_docs
            # term_query raises on a field the schema lacks: an index from an older schema.
            for field in ("id", *TEXT_FIELDS):
                Query.term_query(index.schema, field, 0 if field == "id" else "x")
        except Exception:  # any failure to open means: rebuild it
            return False
        return True

    def rebuild(
        self, documents: Iterable[SearchDocument], progress: Progress | None = None
    ) -> None:
        """Write a new index directory, then point `current` at it in one rename."""
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.root / f"index-{time.time_ns()}"
        target.mkdir()
        index = tantivy.Index(schema(), path=str(target), reuse=False)
        writer = index.writer(heap_size=REBUILD_HEAP, num_threads=REBUILD_THREADS)
        count = 0
        try:
            for document in documents:
                writer.add_document(_document(document))
                count += 1
                if progress and count % PROGRESS_EVERY == 0:
                    progress(PROGRESS_EVERY)
            writer.commit()
        finally:
            # Joins the merge threads and releases the writer lock, even on failure.
            writer.wait_merging_threads()
        if progress and count % PROGRESS_EVERY:
            progress(count % PROGRESS_EVERY)
        link = self.root / f".current-{time.time_ns()}"
        link.symlink_to(target.name)
        link.replace(self.current)  # atomic: readers see the old or the new index
        with self._lock:
            self._live = None
        for old in self.root.glob("index-*"):
            if old != target:
                shutil.rmtree(old, ignore_errors=True)

    def upsert(self, documents: Iterable[SearchDocument]) -> None:
        """Replace documents by id in one commit."""

        def write(writer: tantivy.IndexWriter) -> None:
            for document in documents:
                # A delete applies only to documents added before it, so this keeps the new one.
                writer.delete_documents_by_term("id", document.id)
                writer.add_document(_document(document))

        self._write(write)

    def delete(self, ids: Iterable[int]) -> None:
        """Delete documents by id in one commit."""

        def write(writer: tantivy.IndexWriter) -> None:
            for tool_id in ids:
                writer.delete_documents_by_term("id", tool_id)

        self._write(write)

    def _write(self, write: Callable[[tantivy.IndexWriter], None]) -> None:
        """Run `write` with the index writer, commit, and make the commit visible here."""
        index = self._index()
        writer = _acquire_writer(index)
        try:
            write(writer)
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()
        with self._lock:
            index.reload()
            if self._live is not None and self._live.index is index:
                self._live.stamp = _stamp(self.root / self._live.target)
                self._live.postings = None

    def _index(self) -> tantivy.Index:
        """The live index, reloaded when another writer (maybe another process) committed."""
        with self._lock:
            target = str(self.current.readlink())
            live = self._live
            if live is None or live.target != target:
                live = self._open(target)
                self._live = live
            else:
                stamp = _stamp(self.root / target)
                if stamp != live.stamp:
                    live.index.reload()
                    live.stamp, live.postings = stamp, None
            return live.index

    def _open(self, target: str) -> _Live:
        try:
            stamp = _stamp(self.root / target)
            index = tantivy.Index.open(str(self.root / target))
        except (OSError, ValueError):
            # A rebuild swapped and removed that directory meanwhile; follow the link again.
            target = str(self.current.readlink())
            stamp = _stamp(self.root / target)
            index = tantivy.Index.open(str(self.root / target))
        # We reload ourselves (a stat per search) instead of tantivy's watcher thread, so a
        # commit is visible as soon as it returns, also to other processes.
        index.config_reader(reload_policy="manual")
        return _Live(target, index, stamp)

    def search(self, text_query: TextQuery) -> dict[int, float]:
        """All matching ids with BM25 scores (per field, times the field boost)."""
        return self.hits(text_query).as_dict()

    def hits(self, text_query: TextQuery, limit: int | None = None) -> Hits:
        """Matching ids with BM25 scores, combined in numpy from each term's cached hits."""
        if text_query.empty:
            return NO_HITS
        postings = self._postings()
        if not postings.size:
            return NO_HITS
        slots, scores = postings.evaluate(text_query)
        return Hits(postings.universe[slots], scores).best(limit)

    def _postings(self) -> TantivyPostings:
        """The posting cache of the commit searched now (a reload starts a new one)."""
        index = self._index()
        with self._lock:
            live = self._live
            if live is not None and live.index is index and live.postings is not None:
                return live.postings
            postings = TantivyPostings(index.searcher(), index.schema)
            if live is not None and live.index is index:
                live.postings = postings
            return postings

    def ids(self) -> set[int]:
        """Every indexed tool id."""
        return set(_all_ids(self._index().searcher()).tolist())

    def close(self) -> None:
        """Forget the open index (tantivy releases its files when the objects are dropped)."""
        with self._lock:
            self._live = None


def _stamp(directory: Path) -> tuple[int, int, int]:
    """Identifies a commit: tantivy replaces meta.json atomically on every commit."""
    info = (directory / "meta.json").stat()
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _acquire_writer(index: tantivy.Index) -> tantivy.IndexWriter:
    """The index writer, waiting while another thread or process holds the lock."""
    deadline = time.monotonic() + WRITER_TIMEOUT
    while True:
        try:
            return index.writer(heap_size=UPSERT_HEAP, num_threads=1)
        except ValueError as error:
            if "LockBusy" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(WRITER_POLL)


def _term(schema: tantivy.Schema, term: str) -> Query:
    """A term in any text field, each field's BM25 score times its boost."""
    return Query.boolean_query(
        [
            (
                Occur.Should,
                Query.boost_query(Query.term_query(schema, field, term, INDEX_OPTION), boost),
            )
            for field, boost in FIELD_BOOSTS.items()
        ]
    )


def to_tantivy(schema: tantivy.Schema, text_query: TextQuery) -> Query:
    """The TextQuery as a tantivy query tree (built directly: nothing the user typed is parsed)."""
    clauses = [
        Query.boolean_query(
            [
                (
                    Occur.Should,
                    Query.boolean_query([(Occur.Must, _term(schema, t)) for t in alternative]),
                )
                for alternative in clause.alternatives
            ]
        )
        for clause in text_query.clauses
    ]
    occur = Occur.Must if text_query.mode == "all" else Occur.Should
    required = Query.boolean_query([(occur, clause) for clause in clauses])
    if not text_query.optional:
        return required
    # With a Must part present, Should parts only add score: optional terms never widen matches.
    optional = [(Occur.Should, _term(schema, term)) for term in text_query.optional]
    return Query.boolean_query([(Occur.Must, required), *optional])
