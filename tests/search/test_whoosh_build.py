"""The fast Whoosh build writes the same index contents as Whoosh's own writer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from whoosh import index

from dx_match.search.backends import whoosh_build
from dx_match.search.backends.whoosh_backend import _build_fields, schema, term_counts
from dx_match.search.backends.whoosh_build import MemoryPool, build
from tests.search.test_postings import documents

Contents = dict[tuple[str, bytes], dict[str, tuple[float, bytes, int]]]


def contents(ix: index.Index) -> tuple[Contents, dict[str, int]]:
    """Per term, each tool's (weight, value bytes, field length); and each tool's length."""
    with ix.searcher() as searcher:
        terms: Contents = {}
        lengths: dict[str, int] = {}
        for leaf in searcher.reader().leaf_readers():
            reader = leaf[0]
            tool = {doc: stored["id"] for doc, stored in reader.iter_docs()}
            for doc, tool_id in tool.items():
                lengths[tool_id] = reader.doc_field_length(doc, "text")
            for fieldname, tbytes in reader.all_terms():
                if fieldname != "text":
                    continue
                matcher = reader.postings(fieldname, tbytes)
                found = terms.setdefault((fieldname, tbytes), {})
                while matcher.is_active():
                    doc = matcher.id()
                    found[tool[doc]] = (
                        matcher.weight(),
                        matcher.value(),
                        reader.doc_field_length(doc, "text"),
                    )
                    matcher.next()
        return terms, lengths


def whoosh_own(path: Path, corpus: list[Any]) -> index.Index:
    """The index as Whoosh's own writer builds it."""
    ix = index.create_in(str(path), schema())
    with ix.writer() as writer:
        for document in corpus:
            writer.add_document(id=str(document.id), text=term_counts(document))
    return ix


@pytest.mark.parametrize("processes", [1, 2])
def test_the_build_writes_what_whoosh_writes(tmp_path: Path, processes: int) -> None:
    corpus = documents(5, 320)  # several batches for each of two processes
    (tmp_path / "own").mkdir()
    (tmp_path / "fast").mkdir()
    expected = whoosh_own(tmp_path / "own", corpus)
    ix = index.create_in(str(tmp_path / "fast"), schema())
    done: list[int] = []
    build(ix, [(d.id, d.fields) for d in corpus], _build_fields, processes, done.append)
    ix = index.open_dir(str(tmp_path / "fast"))
    assert sum(done) == len(corpus)
    assert ix.doc_count() == len(corpus)
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == processes
    assert contents(ix) == contents(expected)


def test_the_pool_sorts_postings_added_out_of_order() -> None:
    pool = MemoryPool()
    for item in [("t", b"b", 3, 1.0, b"x"), ("t", b"a", 2, 2.0, None), ("t", b"b", 1, 1.0, b"y")]:
        pool.add(item)
    assert list(pool.iter_postings()) == [
        ("t", b"a", 2, 2.0, None),
        ("t", b"b", 1, 1.0, b"y"),
        ("t", b"b", 3, 1.0, b"x"),
    ]


def test_a_failed_build_process_fails_the_build(tmp_path: Path) -> None:
    ix = index.create_in(str(tmp_path), schema())

    def broken(document: Any) -> dict[str, Any]:
        raise ValueError("bad document")

    with pytest.raises(RuntimeError, match="build process failed"):
        build(ix, [(d.id, d.fields) for d in documents(1, 300)], broken, 2)
    assert whoosh_build.BATCH == 100
