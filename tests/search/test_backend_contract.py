"""One contract, every text backend: same matches as the reference semantics, boosts, updates."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dx_match.search.backends.base import TextBackend
from dx_match.search.documents import TEXT_FIELDS, SearchDocument, ToolRecord
from dx_match.search.query import Clause, Synonyms, TextQuery, build
from dx_match.search.tokenize import Analyzer
from tests.search.conftest import WORDS

CORPUS = {
    1: {
        "name": "Yatai POS",
        "summary": "餐廳點餐系統 with table orders",
        "description": "Tablet register for restaurants.",
    },
    2: {
        "name": "Kintai Cloud",
        "summary": "勤怠管理をクラウドでかんたんに",
        "description": "シフト作成と打刻。",
    },
    3: {
        "name": "StockPilot",
        "summary": "Inventory management for shops",
        "description": "庫存管理與採購。",
    },
    4: {
        "name": "Ledger One",
        "summary": "雲端會計記帳",
        "description": "Accounting with e-invoices; POS import.",
    },
    5: {
        "name": "Plain Notes",
        "summary": "Team notes",
        "description": "Nothing about registers at all. inventory",
    },
}


def document(analyzer: Analyzer, tool_id: int, texts: dict[str, str]) -> SearchDocument:
    """A document with the given text per field (other fields empty)."""
    fields = {name: " ".join(analyzer.terms(texts.get(name, ""))) for name in TEXT_FIELDS}
    return SearchDocument(
        tool_id, fields, ToolRecord(id=tool_id, slug=f"t{tool_id}", name=texts.get("name", ""))
    )


def corpus(analyzer: Analyzer) -> list[SearchDocument]:
    """The hand-written corpus as documents."""
    return [document(analyzer, tool_id, texts) for tool_id, texts in CORPUS.items()]


def reference(documents: list[SearchDocument], text_query: TextQuery) -> set[int]:
    """What must match, by the contract's semantics."""
    return {
        d.id
        for d in documents
        if text_query.matches({t for value in d.fields.values() for t in value.split()})
    }


QUERIES = ["餐廳點餐系統", "勤怠管理", "クラウド", "inventory management", "在庫管理", "POS", "會計", "会計",
           "accounting", "invoices", "かんたん", "registers", "notes", "nothing matches this zzzz"]  # fmt: skip


def test_matches_equal_the_reference_semantics(
    backend: TextBackend, analyzer: Analyzer, synonyms: Synonyms
) -> None:
    documents = corpus(analyzer)
    assert not backend.has_index()
    backend.rebuild(documents)
    assert backend.has_index()
    for text in QUERIES:
        text_query = build(text, analyzer, synonyms)
        for mode_query in (text_query, text_query.relaxed()):
            found = backend.search(mode_query)
            assert set(found) == reference(documents, mode_query), (text, mode_query.mode)
            assert all(score > 0 for score in found.values())


def test_expected_hits_in_three_languages(
    backend: TextBackend, analyzer: Analyzer, synonyms: Synonyms
) -> None:
    backend.rebuild(corpus(analyzer))

    def hits(text: str) -> set[int]:
        return set(backend.search(build(text, analyzer, synonyms)))

    assert hits("餐廳點餐系統") == {1}
    assert hits("勤怠管理 クラウド") == {2}
    assert hits("在庫管理") == {3, 5}  # Japanese query, Chinese and English documents (synonyms)
    assert hits("会計") == {4}  # Japanese form of 會計
    assert 1 in hits("POS")


def test_field_boosts_rank_name_over_description(backend: TextBackend, analyzer: Analyzer) -> None:
    documents = [
        document(analyzer, 10, {"description": "inventory"}),
        document(analyzer, 11, {"name": "inventory"}),
        document(analyzer, 12, {"summary": "inventory"}),
    ]
    backend.rebuild(documents)
    scores = backend.search(TextQuery((Clause((("inventori",),)),)))
    assert scores[11] > scores[12] > scores[10]


def test_optional_terms_add_score_but_no_matches(backend: TextBackend, analyzer: Analyzer) -> None:
    documents = [
        document(analyzer, 1, {"name": "cloud pos"}),
        document(analyzer, 2, {"name": "pos"}),
    ]
    backend.rebuild(documents)
    plain = backend.search(TextQuery((Clause((("pos",),)),)))
    boosted = backend.search(TextQuery((Clause((("pos",),)),), optional=("cloud", "absent")))
    assert set(boosted) == {1, 2}
    assert boosted[1] > boosted[2]
    assert plain[1] > 0


def test_upsert_delete_and_rebuild(backend: TextBackend, analyzer: Analyzer) -> None:
    backend.rebuild(corpus(analyzer))
    assert backend.ids() == set(CORPUS)
    pos = TextQuery((Clause((("pos",),)),))
    backend.upsert(
        [
            document(analyzer, 1, {"name": "Renamed Tool"}),
            document(analyzer, 99, {"name": "New POS"}),
        ]
    )
    assert 1 not in backend.search(pos) and 99 in backend.search(pos)
    backend.delete([99, 12345])
    assert 99 not in backend.search(pos)
    assert backend.ids() == set(CORPUS)
    backend.rebuild([document(analyzer, 7, {"name": "Only POS"})])
    assert backend.ids() == {7}
    assert set(backend.search(pos)) == {7}


def test_empty_query_matches_nothing(backend: TextBackend, analyzer: Analyzer) -> None:
    backend.rebuild(corpus(analyzer))
    assert backend.search(TextQuery(())) == {}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    docs=st.lists(st.lists(st.sampled_from(WORDS), max_size=6), min_size=1, max_size=12),
    clauses=st.lists(
        st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=2), min_size=1, max_size=3),
        min_size=1,
        max_size=3,
    ),
    mode=st.sampled_from(["all", "any"]),
)
def test_random_queries_agree_with_the_reference(
    backend: TextBackend,
    tmp_path: Path,
    docs: list[list[str]],
    clauses: list[list[list[str]]],
    mode: str,
) -> None:
    documents = [
        SearchDocument(
            i + 1,
            {name: (" ".join(words) if name == "summary" else "") for name in TEXT_FIELDS},
            ToolRecord(id=i + 1, slug=f"r{i}", name="r"),
        )
        for i, words in enumerate(docs)
    ]
    backend.rebuild(documents)
    text_query = TextQuery(tuple(Clause(tuple(tuple(a) for a in c)) for c in clauses), mode=mode)
    assert set(backend.search(text_query)) == reference(documents, text_query)


def test_hits_are_the_matches_and_a_limit_keeps_the_best(
    backend: TextBackend, analyzer: Analyzer
) -> None:
    documents = [
        document(analyzer, tool_id, {field: "inventory"})
        for tool_id, field in enumerate(["description", "name", "summary", "vendor"], start=1)
    ]
    backend.rebuild([*documents, document(analyzer, 9, {"name": "notes"})])
    text_query = TextQuery((Clause((("inventori",),)),))
    everything = backend.search(text_query)
    hits = backend.hits(text_query)
    assert hits.as_dict() == pytest.approx(everything)
    assert set(everything) == {1, 2, 3, 4}
    best = backend.hits(text_query, limit=2)
    assert list(best.ids) == [2, 3]  # name, then summary: the two best-scoring, best first
    assert len(backend.hits(TextQuery((Clause((("absent",),)),)), limit=5)) == 0
