"""Whoosh over in-memory posting arrays: the same matches and scores as Whoosh's own matchers."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from dx_match.search.backends.whoosh_backend import WhooshBackend, to_whoosh
from dx_match.search.documents import TEXT_FIELDS, SearchDocument, ToolRecord
from dx_match.search.query import Clause, TextQuery

WORDS = [
    "pos",
    "cloud",
    "invoic",
    "account",
    "餐厅",
    "点餐",
    "クラ",
    "ラウ",
    "在库",
    "管理",
    "shift",
]


def documents(seed: int, count: int, first_id: int = 1) -> list[SearchDocument]:
    """Random documents over a small vocabulary, words spread over every field."""
    rng = random.Random(seed)
    out = []
    for tool_id in range(first_id, first_id + count):
        fields = {name: " ".join(rng.choices(WORDS, k=rng.randint(0, 5))) for name in TEXT_FIELDS}
        out.append(
            SearchDocument(tool_id, fields, ToolRecord(id=tool_id, slug=f"t{tool_id}", name="t"))
        )
    return out


def whoosh_scores(backend: WhooshBackend, text_query: TextQuery) -> dict[int, float]:
    """Whoosh's own evaluation of the query: its query tree and matchers, every hit."""
    searcher, ids, _postings = backend._fresh_searcher()
    results = searcher.search(to_whoosh(text_query), limit=None)
    return {int(ids[hit.docnum]): float(hit.score) for hit in results}


def queries(seed: int, count: int) -> list[TextQuery]:
    """Random queries: 1-3 clauses of 1-3 alternatives of 1-2 terms, optional terms, both modes."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        clauses = tuple(
            Clause(
                tuple(tuple(rng.sample(WORDS, rng.randint(1, 2))) for _ in range(rng.randint(1, 3)))
            )
            for _ in range(rng.randint(1, 3))
        )
        optional = tuple(rng.sample(WORDS, rng.randint(0, 2)))
        out.append(TextQuery(clauses, optional, rng.choice(["all", "any"])))
    return out


@pytest.mark.parametrize("edited", [False, True], ids=["one segment", "segments with deletions"])
def test_posting_arrays_score_as_whoosh_does(tmp_path: Path, edited: bool) -> None:
    backend = WhooshBackend(tmp_path / "whoosh")
    backend.rebuild(documents(1, 60))
    if edited:  # new segments, replaced and deleted documents: postings Whoosh must skip
        backend.upsert(documents(2, 20, first_id=50))
        backend.delete([3, 4, 55])
        backend.upsert(documents(3, 5, first_id=200))
    compared = 0
    for text_query in queries(7, 60):
        expected = whoosh_scores(backend, text_query)
        found = backend.search(text_query)
        assert set(found) == set(expected), text_query
        for tool_id, score in expected.items():
            assert found[tool_id] == pytest.approx(score, rel=1e-9), (text_query, tool_id)
        compared += len(expected)
    assert compared > 500  # the random queries really matched documents
    if edited:
        assert not {3, 4, 55} & backend.ids()


def test_postings_follow_a_new_commit(tmp_path: Path) -> None:
    backend = WhooshBackend(tmp_path / "whoosh")
    backend.rebuild(documents(1, 10))
    pos = TextQuery((Clause((("pos",),)),))
    before = backend.search(pos)
    backend.upsert([SearchDocument(500, {"name": "pos"}, ToolRecord(id=500, slug="n", name="n"))])
    after = backend.search(pos)
    assert set(after) == set(before) | {500}
    assert after == pytest.approx(whoosh_scores(backend, pos))  # idf changed with the new document
