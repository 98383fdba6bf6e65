"""Queries over in-memory posting arrays: the same matches and scores as each engine's own."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from whoosh import index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, TEXT, Schema

from dx_match.search.backends import postings, whoosh_backend
from dx_match.search.backends.base import TextBackend
from dx_match.search.backends.postgres_backend import PostgresBackend, to_tsquery
from dx_match.search.backends.tantivy_backend import TantivyBackend, to_tantivy
from dx_match.search.backends.whoosh_backend import (
    TermCounts,
    WhooshBackend,
    combined,
    term_counts,
    to_whoosh,
)
from dx_match.search.documents import FIELD_BOOSTS, TEXT_FIELDS, SearchDocument, ToolRecord
from dx_match.search.query import Clause, TextQuery
from tests.search.conftest import WORDS, make_backend, postgres_url


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


def tantivy_scores(backend: TantivyBackend, text_query: TextQuery) -> dict[int, float]:
    """Tantivy's own evaluation of the query: its boolean query tree, every hit."""
    index = backend._index()
    searcher = index.searcher()
    found = searcher.search(to_tantivy(index.schema, text_query), limit=searcher.num_docs).hits
    ids = searcher.fast_field_values("id", [address for _score, address in found])
    return {int(i): float(score) for i, (score, _a) in zip(ids, found, strict=True)}


def postgres_scores(backend: PostgresBackend, text_query: TextQuery) -> dict[int, float]:
    """PostgreSQL's own matching (the tsquery over the GIN-indexed terms), scored as documented:
    each term of a matching alternative, and each optional term held, adds idf(term) x the
    boost of every field holding it."""
    url = sa.make_url(postgres_url() or "").set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as connection:
        total = connection.execute(
            f"SELECT df FROM \"{backend.table}_df\" WHERE term = ''"
        ).fetchone()
        matched = connection.execute(
            f'SELECT id, {", ".join(TEXT_FIELDS)} FROM "{backend.table}" '
            "WHERE terms @@ %s::tsquery",
            (to_tsquery(text_query),),
        ).fetchall()
        df = dict(connection.execute(f'SELECT term, df FROM "{backend.table}_df"').fetchall())
    scores = {}
    for tool_id, *fields in matched:
        holding = [set(_lexemes(value)) for value in fields]
        every = set().union(*holding)

        def weight(term: str, holding: list[set[str]] = holding) -> float:
            n = df.get(term, 0)
            idf = math.log(1 + (total[0] - n + 0.5) / (n + 0.5))
            return sum(
                b * idf for b, h in zip(FIELD_BOOSTS.values(), holding, strict=True) if term in h
            )

        terms = [
            t for c in text_query.clauses for a in c.alternatives if set(a) <= every for t in a
        ]
        scores[int(tool_id)] = sum(map(weight, [*terms, *text_query.optional]))
    return scores


def _lexemes(tsvector: str) -> list[str]:
    """The lexemes of a tsvector's text form (quoted, '' for a quote)."""
    return [m.replace("''", "'") for m in re.findall(r"'((?:[^']|'')*)'", tsvector)]


def own_scores(backend: TextBackend, text_query: TextQuery) -> dict[int, float]:
    """The engine's own evaluation of a query."""
    if isinstance(backend, WhooshBackend):
        return whoosh_scores(backend, text_query)
    if isinstance(backend, PostgresBackend):
        return postgres_scores(backend, text_query)
    assert isinstance(backend, TantivyBackend)
    return tantivy_scores(backend, text_query)


ENGINES = ["whoosh", "tantivy", "postgres"]


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


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TextBackend]:
    """Each backend, empty (PostgreSQL when the suite runs on it)."""
    backend = make_backend(request.param, tmp_path)
    yield backend
    if isinstance(backend, PostgresBackend):
        backend.drop()
    backend.close()


@pytest.mark.parametrize(
    ("dense_from", "dense_terms"),
    [(0, 0), (10**9, 0), (0, 10**9)],
    ids=["binary search", "dense lookups", "dense terms and clauses"],
)
@pytest.mark.parametrize("edited", [False, True], ids=["one segment", "segments with deletions"])
def test_posting_arrays_score_as_the_engine_does(
    engine: TextBackend,
    edited: bool,
    dense_from: int,
    dense_terms: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(postings, "DENSE_FROM", dense_from)  # both ways of looking candidates up
    # Every term and clause kept as arrays over all slots, or none.
    monkeypatch.setattr(postings, "DENSE_TERM_FROM", dense_terms)
    backend = engine
    backend.rebuild(documents(1, 60))
    if edited:  # new segments, replaced and deleted documents: postings Whoosh must skip
        backend.upsert(documents(2, 20, first_id=50))
        backend.delete([3, 4, 55])
        backend.upsert(documents(3, 5, first_id=200))
    compared = 0
    for text_query in queries(7, 60):
        expected = own_scores(backend, text_query)
        found = backend.search(text_query)
        assert set(found) == set(expected), text_query
        for tool_id, score in expected.items():
            # Tantivy scores in 32-bit floats; numpy adds the terms' scores in 64 bits.
            assert found[tool_id] == pytest.approx(score, rel=1e-5), (text_query, tool_id)
        compared += len(expected)
    assert compared > 500  # the random queries really matched documents
    if edited:
        assert not {3, 4, 55} & backend.ids()


def test_postings_follow_a_new_commit(engine: TextBackend) -> None:
    backend = engine
    backend.rebuild(documents(1, 10))
    pos = TextQuery((Clause((("pos",),)),))
    before = backend.search(pos)
    backend.upsert([SearchDocument(500, {"name": "pos"}, ToolRecord(id=500, slug="n", name="n"))])
    after = backend.search(pos)
    assert set(after) == set(before) | {500}
    assert after == pytest.approx(
        own_scores(backend, pos), rel=1e-5
    )  # idf changed with the new document


def test_counted_terms_index_as_the_text_did() -> None:
    plain = TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False)
    counted = TermCounts(analyzer=SpaceSeparatedTokenizer(), phrase=False)
    for document in documents(4, 30):
        assert sorted(counted.index(term_counts(document))) == sorted(
            plain.index(combined(document))
        )


def test_an_index_of_the_old_schema_still_takes_upserts(tmp_path: Path) -> None:
    backend = WhooshBackend(tmp_path / "whoosh")
    backend.rebuild(documents(1, 3))
    old = Schema(id=ID(stored=True, unique=True), text=TEXT(analyzer=SpaceSeparatedTokenizer()))
    target = backend.current.resolve()
    for path in target.iterdir():
        path.unlink()
    index.create_in(str(target), old)  # as written before the field counted its terms
    backend.upsert([SearchDocument(8, {"name": "pos"}, ToolRecord(id=8, slug="e", name="e"))])
    assert set(backend.search(TextQuery((Clause((("pos",),)),)))) == {8}


def test_a_parallel_rebuild_finds_and_scores_as_a_serial_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = documents(9, 250)  # Whoosh hands processes batches of 100
    serial = WhooshBackend(tmp_path / "serial")
    serial.rebuild(corpus)
    monkeypatch.setattr(whoosh_backend, "PARALLEL_FROM", 20)
    monkeypatch.setattr(whoosh_backend, "BUILD_PROCESSES", 2)
    parallel = WhooshBackend(tmp_path / "parallel")
    parallel.rebuild(corpus)
    searcher, _ids, _postings = parallel._fresh_searcher()
    assert len(searcher.reader().leaf_readers()) > 1  # segments written by several processes
    for text_query in queries(11, 30):
        assert parallel.search(text_query) == pytest.approx(serial.search(text_query))


def test_the_posting_cache_stays_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = WhooshBackend(tmp_path / "whoosh")
    backend.rebuild(documents(1, 60))
    monkeypatch.setattr(postings, "MAX_CACHED_POSTINGS", 40)
    for text_query in queries(7, 20):
        assert backend.search(text_query) == pytest.approx(whoosh_scores(backend, text_query))
    _searcher, _ids, cache = backend._fresh_searcher()
    assert 0 < cache._held <= 40 or len(cache._terms) == 1
