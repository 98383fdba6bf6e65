"""Whoosh (whoosh-reloaded): the embedded default, an on-disk index under the instance folder."""

from __future__ import annotations

import itertools
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import index, query
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.searching import Searcher
from whoosh.system import pack_uint

from dx_match.search.backends.base import NO_HITS, Hits, Progress
from dx_match.search.backends.postings import WhooshPostings
from dx_match.search.backends.whoosh_build import build
from dx_match.search.documents import FIELD_BOOSTS, SearchDocument
from dx_match.search.query import TextQuery

WRITER_TIMEOUT = 10.0  # Whoosh allows one writer; wait for it instead of failing at once
# Rebuilds of at least this many documents index in BUILD_PROCESSES processes.
PARALLEL_FROM = 5000
BUILD_PROCESSES = max(1, min(2, os.cpu_count() or 1))  # beside the web workers on small hosts


class TermCounts(TEXT):  # type: ignore[misc]  # whoosh has no type hints
    """A text field indexed from {term: frequency}: the terms were counted by the analyzer.

    Whoosh's own path tokenizes a string again in Python, one Token object per word, which
    was most of an index build; the postings written are the same (frequency, weight =
    frequency, length = the sum), so scores do not change.
    """

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        """(term bytes, frequency, weight, encoded frequency) per term."""
        if not isinstance(value, Mapping):
            yield from super().index(value, **kwargs)
            return
        for term, frequency in value.items():
            yield term.encode("utf-8"), frequency, float(frequency), pack_uint(frequency)


def schema() -> Schema:
    """One pre-tokenized text field and the tool id.

    Field boosts become term frequency: a name's terms count five times, a description's
    once. One field means one posting list per term; an OR over five fields made Whoosh read
    and score every posting of every field (most of a query's time).
    """
    return Schema(
        id=ID(stored=True, unique=True),
        text=TermCounts(analyzer=SpaceSeparatedTokenizer(), phrase=False),
    )


# How many times each field's terms count (BM25 grows with term frequency).
REPEATS = {name: max(1, round(boost)) for name, boost in FIELD_BOOSTS.items()}


def combined(document: SearchDocument) -> str:
    """The document's terms in one field, each field's repeated by its boost."""
    return " ".join(
        " ".join([terms] * REPEATS[name]) for name, terms in document.fields.items() if terms
    )


def term_counts(document: SearchDocument) -> dict[str, int]:
    """The document's terms counted as `combined` would write them."""
    return field_term_counts(document.fields)


def field_term_counts(fields: Mapping[str, str]) -> dict[str, int]:
    """Terms counted over a document's analyzed fields, each field's repeated by its boost."""
    counts: Counter[str] = Counter()
    for name, terms in fields.items():
        repeat = REPEATS[name]
        for term, n in Counter(terms.split()).items():
            counts[term] += n * repeat
    return dict(counts)


def _build_fields(document: tuple[int, Mapping[str, str]]) -> dict[str, Any]:
    """add_document's arguments for an (id, analyzed fields) pair."""
    tool_id, fields = document
    return {"id": str(tool_id), "text": field_term_counts(fields)}


def text_value(ix: index.Index, document: SearchDocument) -> str | dict[str, int]:
    """The text field's value for this index: counts, or the text for an index of old schema."""
    return (
        term_counts(document) if isinstance(ix.schema["text"], TermCounts) else combined(document)
    )


class WhooshBackend:
    """An index directory behind a `current` symlink, swapped atomically on rebuild."""

    name = "whoosh"

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._searcher: Searcher | None = None
        self._ids: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._postings: WhooshPostings | None = None
        self._target = ""  # the directory `current` pointed at when the searcher was opened

    @property
    def current(self) -> Path:
        """The symlink to the live index directory."""
        return self.root / "current"

    def has_index(self) -> bool:
        """True when the live index opens."""
        try:
            index.open_dir(str(self.current)).close()
        except Exception:
            return False
        return True

    def _open(self) -> index.Index:
        return index.open_dir(str(self.current))

    def rebuild(
        self, documents: Iterable[SearchDocument], progress: Progress | None = None
    ) -> None:
        """Write a new index directory, then point `current` at it in one rename."""
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.root / f"index-{time.time_ns()}"
        target.mkdir()
        ix = index.create_in(str(target), schema())
        pending = iter(documents)
        head = list(itertools.islice(pending, PARALLEL_FROM))
        parallel = len(head) == PARALLEL_FROM and BUILD_PROCESSES > 1
        # Forking a threaded process can deadlock it: a rebuild started in the background of
        # a web worker indexes in that process only.
        parallel = parallel and threading.current_thread() is threading.main_thread()
        # Only (id, fields) travel to the build processes; they count the terms.
        light = ((d.id, d.fields) for d in itertools.chain(head, pending))
        build(ix, light, _build_fields, BUILD_PROCESSES if parallel else 1, progress)
        link = self.root / f".current-{time.time_ns()}"
        link.symlink_to(target.name)
        link.replace(self.current)  # atomic: readers see the old or the new index
        self._forget_searcher()
        for old in self.root.glob("index-*"):
            if old != target:
                shutil.rmtree(old, ignore_errors=True)

    def upsert(self, documents: Iterable[SearchDocument]) -> None:
        """Replace documents by id in one commit."""
        ix = self._open()
        with ix.writer(timeout=WRITER_TIMEOUT) as writer:
            for document in documents:
                writer.update_document(id=str(document.id), text=text_value(ix, document))

    def delete(self, ids: Iterable[int]) -> None:
        """Delete documents by id in one commit."""
        ix = self._open()
        with ix.writer(timeout=WRITER_TIMEOUT) as writer:
            for tool_id in ids:
                writer.delete_by_term("id", str(tool_id))

    def _forget_searcher(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = None
            self._postings = None

    def _fresh_searcher(self) -> tuple[Searcher, npt.NDArray[np.int64], WhooshPostings]:
        """A searcher on the newest commit, its document number -> tool id table and postings."""
        with self._lock:
            target = str(self.current.readlink())
            searcher = self._searcher
            # A rebuild (maybe in another process) swaps `current` to a new directory whose
            # generation can equal ours, so up_to_date() alone would keep reading the old one.
            if searcher is not None and (target != self._target or not searcher.up_to_date()):
                searcher.close()
                searcher = None
            if searcher is None:
                try:
                    searcher = self._open().searcher()
                except (OSError, index.EmptyIndexError):
                    # The live index was swapped underneath us; open the new one.
                    searcher = self._open().searcher()
                reader = searcher.reader()
                ids = np.zeros(reader.doc_count_all(), dtype=np.int64)
                for docnum, stored in reader.iter_docs():
                    ids[docnum] = int(stored["id"])
                self._searcher, self._ids, self._target = searcher, ids, target
                self._postings = WhooshPostings(searcher)
            assert self._postings is not None
            return searcher, self._ids, self._postings

    def search(self, text_query: TextQuery) -> dict[int, float]:
        """All matching ids with BM25F scores."""
        return self.hits(text_query).as_dict()

    def hits(self, text_query: TextQuery, limit: int | None = None) -> Hits:
        """Matching ids with BM25F scores, evaluated over in-memory posting arrays."""
        if text_query.empty:
            return NO_HITS
        _searcher, ids, postings = self._fresh_searcher()
        docs, scores = postings.evaluate(text_query)
        return Hits(ids[docs], scores).best(limit)

    def ids(self) -> set[int]:
        """Every indexed tool id."""
        searcher, ids, _postings = self._fresh_searcher()
        reader = searcher.reader()
        return {int(ids[docnum]) for docnum in reader.all_doc_ids()}

    def close(self) -> None:
        """Close the cached searcher."""
        self._forget_searcher()


def _term(term: str) -> query.Query:
    return query.Term("text", term)


def to_whoosh(text_query: TextQuery) -> query.Query:
    """The TextQuery as a Whoosh query tree: Whoosh's own evaluation, which the posting
    arrays must reproduce (tests compare the two)."""
    clauses = [
        query.Or(
            [
                query.And([_term(term) for term in alternative])
                for alternative in clause.alternatives
            ]
        )
        for clause in text_query.clauses
    ]
    required = query.And(clauses) if text_query.mode == "all" else query.Or(clauses)
    if not text_query.optional:
        return required
    return query.AndMaybe(required, query.Or([_term(term) for term in text_query.optional]))
