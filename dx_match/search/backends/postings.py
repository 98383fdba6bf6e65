"""Per-term posting arrays in memory, and TextQuery evaluation over them in numpy.

Every backend scores a query as the sum of its terms' scores over the documents that match
(BM25F in Whoosh and Tantivy, idf x field boost in PostgreSQL). So each term's postings are
read once per index version into two arrays, document slots and that term's score in each,
and a query is a few numpy operations over them: no engine reads and scores every posting
of every synonym alternative again on every search (Whoosh did so in Python, most of a
query's time; Tantivy and PostgreSQL, for queries matching most of a catalog, too).

The engines stay the store and the writer, and say what a term scores; `TermPostings`
subclasses read one term. Tests compare the results with each engine's own evaluation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import wrappers
from whoosh.searching import Searcher

from dx_match.search.query import Clause, TextQuery

DocNums = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Scores = npt.NDArray[np.float64]
FIELD = "text"
# Candidates above 1/DENSE_FROM of the slots are looked up through dense arrays, not searchsorted.
DENSE_FROM = 32
# A term (or cached clause) in at least 1/DENSE_TERM_FROM of the slots also keeps its scores
# as one array over every slot, and which slots hold it (less than twice its postings'
# memory): adding or reading that array is a few vector operations, where scattering and
# binary-searching its postings (a common synonym such as cloud / 雲端 / クラウド holds
# 80,000 of 100,000 tools) was most of a warm query's time.
DENSE_TERM_FROM = 2
# At most this many postings are cached per index version (16 bytes each: 256 MB at most;
# 100k synthetic tools hold 22 million postings in all, most of them of rare terms).
MAX_CACHED_POSTINGS = 16_000_000
_EMPTY_DOCS: DocNums = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES: Scores = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class Posting:
    """One term's live documents (ascending document numbers) and their BM25F scores.

    Terms of very many documents also have `dense` (the score in every slot, 0 where absent)
    and `held` (which slots hold the term), filled when the term is cached.
    """

    docs: DocNums
    scores: Scores
    dense: Scores | None = None
    held: BoolArray | None = None

    def cost(self) -> int:
        """Memory held, in postings (16 bytes each): a dense slot costs 9 bytes."""
        extra = 0 if self.dense is None else -(-len(self.dense) * 9 // 16)
        return len(self.docs) + extra


class TermPostings:
    """Posting arrays of one index version over `size` document slots, each term read once.

    A clause of several alternatives (a synonym group) is cached the same way, as the
    documents matching it and the sum of its matching alternatives' scores: the same groups
    come back in many queries, and combining their terms was most of a warm query's time.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        # Terms and clauses, least recently used first.
        self._terms: OrderedDict[str | Clause, Posting] = OrderedDict()
        self._held = 0  # the cost() of everything in _terms

    def read(self, term: str) -> Posting:
        """One term's live documents and scores, from the engine (subclasses)."""
        raise NotImplementedError

    def posting(self, term: str) -> Posting:
        """The term's posting arrays (read and scored once per index version)."""
        with self._lock:  # one read at a time: an engine's files or connection are shared
            cached = self._cached(term)
            if cached is None:
                cached = self._remember(term, self._with_dense(self.read(term)))
            return cached

    def clause_posting(self, clause: Clause) -> Posting:
        """The documents matching the clause, with the scores of its matching alternatives."""
        if len(clause.alternatives) == 1 and len(clause.alternatives[0]) == 1:
            return self.posting(clause.alternatives[0][0])
        with self._lock:
            cached = self._cached(clause)
        if cached is not None:
            return cached
        docs, scores = self._dense([clause])  # reads its terms, so outside the lock
        with self._lock:
            return self._remember(clause, self._with_dense(Posting(docs, scores)))

    def _cached(self, key: str | Clause) -> Posting | None:
        """A cached term or clause, now the most recently used (call with the lock held)."""
        cached = self._terms.get(key)
        if cached is not None:
            self._terms.move_to_end(key)
        return cached

    def _remember(self, key: str | Clause, posting: Posting) -> Posting:
        """Cache a term or clause (call with the lock held); another thread's copy wins."""
        if key in self._terms:
            return self._terms[key]
        self._terms[key] = posting
        self._held += posting.cost()
        # Memory stays bounded: the least recently used terms go first.
        while self._held > MAX_CACHED_POSTINGS and len(self._terms) > 1:
            _key, dropped = self._terms.popitem(last=False)
            self._held -= dropped.cost()
        return posting

    def _with_dense(self, posting: Posting) -> Posting:
        """The posting, with its dense arrays when the term is in very many documents."""
        if not self.size or len(posting.docs) * DENSE_TERM_FROM < self.size:
            return posting
        dense = np.zeros(self.size, dtype=np.float64)
        held = np.zeros(self.size, dtype=np.bool_)
        dense[posting.docs] = posting.scores
        held[posting.docs] = True
        return Posting(posting.docs, posting.scores, dense, held)

    def evaluate(self, text_query: TextQuery) -> tuple[DocNums, Scores]:
        """Matching document slots (ascending) and their scores: the sum of their terms'."""
        if text_query.empty:
            return _EMPTY_DOCS, _EMPTY_SCORES
        clauses = list(text_query.clauses)
        if text_query.mode == "all":
            # The clause with the fewest postings gives the candidates; every other clause
            # only looks them up, instead of scattering all its postings (a common synonym
            # group at 100k tools is hundreds of thousands of them).
            clauses.sort(key=self._postings_in)
            first = self.clause_posting(clauses[0])
            docs, scores = first.docs, first.scores
            for clause in clauses[1:]:
                if not len(docs):
                    break
                found, added = self._lookup(self.clause_posting(clause), docs)
                docs, scores = docs[found], scores[found] + added[found]
        else:
            docs, scores = self._dense(clauses)
        for term in text_query.optional:  # optional terms only add to documents that match
            scores = scores + self._lookup(self.posting(term), docs)[1]
        return docs, scores

    def _postings_in(self, clause: Clause) -> int:
        """How many postings evaluating the clause would scatter."""
        return sum(min(len(self.posting(t).docs) for t in alt) for alt in clause.alternatives)

    def _dense(self, clauses: list[Clause]) -> tuple[DocNums, Scores]:
        """Documents matching any of the clauses, with the scores of every matching alternative."""
        hit, total = self._scatter(clauses)
        docs = np.flatnonzero(hit)
        return docs, total[docs]

    def _scatter(self, clauses: list[Clause]) -> tuple[BoolArray, Scores]:
        """Per slot: does any alternative of the clauses match, and the sum of their scores."""
        total = np.zeros(self.size, dtype=np.float64)
        hit = np.zeros(self.size, dtype=np.bool_)
        for clause in clauses:
            for alternative in clause.alternatives:
                if len(alternative) == 1:
                    posting = self.posting(alternative[0])
                    if posting.dense is not None and posting.held is not None:
                        # Adds 0.0 where the term is absent: the same sums as scattering.
                        total += posting.dense
                        hit |= posting.held
                        continue
                docs, scores = self._all_of(alternative)
                # Document numbers are unique within an alternative, so += adds once each.
                total[docs] += scores
                hit[docs] = True
        return hit, total

    def _lookup(self, posting: Posting, docs: DocNums) -> tuple[BoolArray, Scores]:
        """Which of `docs` (ascending) hold the term, and its score there (0 elsewhere)."""
        if posting.dense is not None and posting.held is not None:
            return posting.held[docs], posting.dense[docs]
        if not len(posting.docs) or not len(docs):
            return np.zeros(len(docs), dtype=np.bool_), np.zeros(len(docs), dtype=np.float64)
        if len(docs) * DENSE_FROM > self.size:
            score = np.zeros(self.size, dtype=np.float64)
            held = np.zeros(self.size, dtype=np.bool_)
            score[posting.docs] = posting.scores
            held[posting.docs] = True
            return held[docs], score[docs]
        at = np.searchsorted(posting.docs, docs)
        at[at == len(posting.docs)] = 0  # past the end: compared with a posting that cannot match
        held = posting.docs[at] == docs
        return held, np.where(held, posting.scores[at], 0.0)

    def _all_of(self, terms: tuple[str, ...]) -> tuple[DocNums, Scores]:
        """Documents holding every term, with the sum of the terms' scores."""
        first = self.posting(terms[0])
        docs, scores = first.docs, first.scores
        for term in terms[1:]:
            posting = self.posting(term)
            if posting.dense is not None and posting.held is not None:
                # A very common term: read its slots, no binary search over its postings.
                keep = posting.held[docs]
                docs = docs[keep]
                scores = scores[keep] + posting.dense[docs]
            else:
                docs, scores = _intersect(docs, scores, posting.docs, posting.scores)
        return docs, scores


def _intersect(
    docs: DocNums, scores: Scores, other_docs: DocNums, other_scores: Scores
) -> tuple[DocNums, Scores]:
    """Documents in both ascending arrays, scores added: the shorter looked up in the longer."""
    if len(docs) > len(other_docs):
        docs, scores, other_docs, other_scores = other_docs, other_scores, docs, scores
    if not len(docs) or not len(other_docs):
        return _EMPTY_DOCS, _EMPTY_SCORES
    at = np.searchsorted(other_docs, docs)
    at[at == len(other_docs)] = 0  # past the end: compared with an element that cannot match
    both = other_docs[at] == docs
    return docs[both], scores[both] + other_scores[at[both]]


class WhooshPostings(TermPostings):
    """The postings of one Whoosh searcher; slots are Whoosh's document numbers."""

    def __init__(self, searcher: Searcher) -> None:
        reader = searcher.reader()
        super().__init__(int(reader.doc_count_all()))
        self.searcher = searcher
        self._leaves: list[tuple[Any, int]] = list(reader.leaf_readers())
        self._lengths = _field_lengths(self._leaves, self.size)

    def read(self, term: str) -> Posting:
        """The term's postings from every segment, scored as Whoosh's BM25F scorer would."""
        searcher = self.searcher
        parts: list[tuple[DocNums, npt.NDArray[np.float64]]] = []
        for leaf, offset in self._leaves:
            if (FIELD, term) not in leaf:
                continue
            ids, weights = _leaf_postings(leaf.postings(FIELD, term))
            if len(ids):
                parts.append((ids + offset, weights))
        if not parts:
            return Posting(_EMPTY_DOCS, _EMPTY_SCORES)
        docs = np.concatenate([p[0] for p in parts])
        tf = np.concatenate([p[1] for p in parts])
        # Whoosh's BM25F scorer for this term: the same idf, average length, B and K1.
        scorer = searcher.weighting.scorer(searcher, FIELD, term)
        norm = scorer.K1 * ((1 - scorer.B) + scorer.B * self._lengths[docs] / scorer.avgfl)
        scores = scorer.idf * ((tf * (scorer.K1 + 1)) / (tf + norm))
        return Posting(docs, scores)


def _leaf_postings(matcher: Any) -> tuple[DocNums, npt.NDArray[np.float64]]:
    """A segment's postings of one term: document numbers and term weights, live ones only."""
    deleted: frozenset[int] = frozenset()
    if isinstance(matcher, wrappers.FilterMatcher):  # the segment has deletions
        deleted = frozenset(matcher._ids)
        matcher = matcher.child
    ids: list[int] = []
    weights: list[float] = []
    if isinstance(matcher, W3LeafMatcher):
        # Whole blocks at a time (whoosh-reloaded is pinned): a posting at a time in Python
        # is what made Whoosh slow.
        while True:
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            if matcher._lastblock:
                break
            matcher._goto(matcher._nextoffset)
    else:  # inlined postings of rare terms, or another codec: the generic interface
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    docs = np.array(ids, dtype=np.int64)
    tf = np.array(weights, dtype=np.float64)
    if deleted:
        keep = ~np.isin(docs, np.fromiter(deleted, dtype=np.int64, count=len(deleted)))
        docs, tf = docs[keep], tf[keep]
    return docs, tf


def _field_lengths(leaves: list[tuple[Any, int]], size: int) -> npt.NDArray[np.float64]:
    """Every document's (Whoosh-quantized) field length, as Whoosh's scorer reads it."""
    lengths = np.ones(size, dtype=np.float64)
    for leaf, offset in leaves:
        for docnum in range(leaf.doc_count_all()):
            lengths[offset + docnum] = leaf.doc_field_length(docnum, FIELD, 1) or 1
    return lengths
