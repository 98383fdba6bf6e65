"""The contract every text backend keeps (see tests/search/test_backend_contract.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from dx_match.search.documents import SearchDocument
from dx_match.search.query import TextQuery

Progress = Callable[[int], None]


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

    def ids(self) -> set[int]:
        """The ids of every indexed document (for drift checks)."""

    def has_index(self) -> bool:
        """False when the index is missing or unreadable (then it must be rebuilt)."""

    def close(self) -> None:
        """Release files and connections."""
