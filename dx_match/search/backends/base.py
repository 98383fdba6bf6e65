"""The contract every text backend keeps (see tests/search/test_backend_contract.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from dx_match.search.documents import SearchDocument
from dx_match.search.query import TextQuery

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Hits:
    """Matching tool ids and their scores as parallel arrays, in no particular order.

    Arrays, not a dict: a query matching most of a large catalog costs a dict entry per
    hit in Python, several milliseconds at 100k tools, before any filtering.
    """

    ids: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.ids)

    def as_dict(self) -> dict[int, float]:
        """The hits as {tool id: score}."""
        return dict(zip(self.ids.tolist(), self.scores.tolist(), strict=True))

    def best(self, limit: int | None) -> Hits:
        """The `limit` best-scoring hits (ties broken by id), or all of them without a limit."""
        if limit is None or len(self.ids) <= limit:
            return self
        top = np.argpartition(-self.scores, limit - 1)[:limit]
        order = top[np.lexsort((self.ids[top], -self.scores[top]))]
        return Hits(self.ids[order], self.scores[order])

    @classmethod
    def of(cls, scores: dict[int, float]) -> Hits:
        """Hits from {tool id: score}."""
        return cls(
            np.fromiter(scores.keys(), dtype=np.int64, count=len(scores)),
            np.fromiter(scores.values(), dtype=np.float64, count=len(scores)),
        )


NO_HITS = Hits(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


class TextBackend(Protocol):
    """Full-text matching and scoring only; filters and facets live in the doc-values sidecar.

    Semantics, identical in every backend: a document matches a TextQuery in mode
    `all` when every clause has an alternative whose terms all occur in the
    document (in any text field), in mode `any` when at least one clause does.
    Terms are exact (pre-tokenized by the shared analyzer). Scores are positive
    and higher is better; a match in a higher-boosted field (documents.FIELD_BOOSTS)
    scores more than the same match in a lower one, and optional terms only add.
    """

    name: str

    def rebuild(
        self, documents: Iterable[SearchDocument], progress: Progress | None = None
    ) -> None:
        """Build a fresh index from all documents and swap it in atomically."""

    def upsert(self, documents: Iterable[SearchDocument]) -> None:
        """Add or replace documents by id (visible to searches when this returns)."""

    def delete(self, ids: Iterable[int]) -> None:
        """Remove documents by id; unknown ids are ignored."""

    def search(self, query: TextQuery) -> dict[int, float]:
        """Every matching document id with its score."""

    def hits(self, query: TextQuery, limit: int | None = None) -> Hits:
        """As search(), as arrays; with a limit, only the `limit` best-scoring matches."""

    def ids(self) -> set[int]:
        """The ids of every indexed document (for drift checks)."""

    def has_index(self) -> bool:
        """False when the index is missing or unreadable (then it must be rebuilt)."""

    def close(self) -> None:
        """Release files and connections."""
