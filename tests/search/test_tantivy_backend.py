"""Tantivy specifics: terms stay exactly as analyzed, commits reach other instances, bad indexes."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import tantivy

from dx_match.search.backends.tantivy_backend import TantivyBackend
from dx_match.search.documents import TEXT_FIELDS, SearchDocument, ToolRecord
from dx_match.search.query import Clause, TextQuery

# Terms as the analyzer may emit them, plus characters that are syntax in query languages.
ODD_TERMS = ["クラウド", "会计", "かん", "Pos", "it's", "a\\b", "x:1", "&", "(x", "AND", "*", "-y"]


def doc(tool_id: int, **fields: str) -> SearchDocument:
    """A document with the given pre-tokenized fields (others empty)."""
    texts = {name: fields.get(name, "") for name in TEXT_FIELDS}
    return SearchDocument(tool_id, texts, ToolRecord(id=tool_id, slug=f"t{tool_id}", name="t"))


def term(text: str) -> TextQuery:
    """A query for one exact term."""
    return TextQuery((Clause(((text,),)),))


def test_terms_are_indexed_exactly_as_given(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path)
    backend.rebuild([doc(1, summary=" ".join(ODD_TERMS)), doc(2, name="ok")])
    for text in ODD_TERMS:
        assert set(backend.search(term(text))) == {1}, text
    assert backend.search(term("pos")) == {}  # no lower-casing beyond the analyzer's
    assert backend.search(term("クラ")) == {}  # no n-grams of its own either


def test_a_second_instance_sees_commits_and_rebuilds(tmp_path: Path) -> None:
    """Another worker process has its own backend on the same folder."""
    writer, reader = TantivyBackend(tmp_path), TantivyBackend(tmp_path)
    writer.rebuild([doc(1, name="pos")])
    assert set(reader.search(term("pos"))) == {1}
    writer.upsert([doc(2, name="pos")])
    assert set(reader.search(term("pos"))) == {1, 2}
    writer.delete([1])
    assert set(reader.search(term("pos"))) == {2}
    writer.rebuild([doc(3, name="pos")])
    assert set(reader.search(term("pos"))) == {3}
    assert reader.ids() == {3}
    assert len(list(tmp_path.glob("index-*"))) == 1


def test_an_upsert_waits_for_another_writer(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path)
    backend.rebuild([doc(1, name="pos")])
    other = tantivy.Index.open(str(backend.current)).writer(heap_size=15_000_000, num_threads=1)

    def release() -> None:
        time.sleep(0.3)
        other.wait_merging_threads()

    thread = threading.Thread(target=release)
    thread.start()
    backend.upsert([doc(2, name="pos")])
    thread.join()
    assert set(backend.search(term("pos"))) == {1, 2}


def test_missing_or_corrupt_index_needs_a_rebuild(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path)
    assert not backend.has_index()
    backend.rebuild([doc(1, name="pos")])
    assert backend.has_index()
    (backend.current / "meta.json").write_text("garbage")
    assert not backend.has_index()
    backend.rebuild([doc(1, name="pos")])
    assert backend.has_index()


def test_an_index_with_another_schema_needs_a_rebuild(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path)
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("name")
    (tmp_path / "index-0").mkdir()
    tantivy.Index(builder.build(), path=str(tmp_path / "index-0"))
    backend.current.symlink_to("index-0")
    assert not backend.has_index()


def test_an_empty_index_matches_nothing(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path)
    backend.rebuild([])
    assert backend.has_index()
    assert backend.search(term("pos")) == {}
    assert backend.ids() == set()
