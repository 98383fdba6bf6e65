"""PostgreSQL specifics: exact lexemes, document frequencies, rarity, swaps under readers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from dx_match.search.backends.postgres_backend import PostgresBackend, to_tsquery
from dx_match.search.documents import TEXT_FIELDS, SearchDocument, ToolRecord
from dx_match.search.query import Clause, TextQuery
from tests.search.conftest import make_backend, postgres_url

# Characters that are syntax in tsquery, SQL or COPY, and terms as the analyzer emits them.
ODD_TERMS = ["it's", "a\\b", "x:1", "&", "|", "!", "(x", "y)", "<->", "*", "z:*", "tab\\t",
             "%s", "%(x)s", "$1", "クラウド", "会计", "かん", "Pos"]  # fmt: skip


def doc(tool_id: int, **fields: str) -> SearchDocument:
    """A document with the given pre-tokenized fields (others empty)."""
    texts = {name: fields.get(name, "") for name in TEXT_FIELDS}
    return SearchDocument(tool_id, texts, ToolRecord(id=tool_id, slug=f"t{tool_id}", name="t"))


def term(text: str) -> TextQuery:
    """A query for one exact term."""
    return TextQuery((Clause(((text,),)),))


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[PostgresBackend]:
    """An empty postgres backend on its own table (skipped without a PostgreSQL)."""
    backend = make_backend("postgres", tmp_path)
    assert isinstance(backend, PostgresBackend)
    yield backend
    backend.drop()
    backend.close()


def df_table(backend: PostgresBackend) -> dict[str, int]:
    """The document-frequency table as a dict."""
    url = sa.make_url(postgres_url() or "").set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as connection:
        rows = connection.execute(f'SELECT term, df FROM "{backend.table}_df"').fetchall()
    return dict(rows)


def test_odd_terms_are_lexemes_not_syntax(pg: PostgresBackend) -> None:
    pg.rebuild([doc(1, summary=" ".join(ODD_TERMS)), doc(2, name="ok")])
    for text in ODD_TERMS:
        found = pg.search(term(text))
        assert set(found) == {1}, text
        assert found[1] > 0
    pg.upsert([doc(3, vendor=" ".join(ODD_TERMS))])
    assert set(pg.search(term("it's"))) == {1, 3}
    assert pg.search(term("pos")) == {}


def test_to_tsquery_quotes_every_lexeme() -> None:
    query = TextQuery((Clause((("a'b", "c"), ("d\\",))), Clause((("e",),))), mode="any")
    assert to_tsquery(query) == "(('a''b' & 'c') | ('d\\\\')) | (('e'))"


def test_document_frequencies_follow_upserts_and_deletes(pg: PostgresBackend) -> None:
    pg.rebuild(
        [doc(1, name="pos cloud", description="pos"), doc(2, name="pos"), doc(3, name="shift")]
    )
    pg.upsert([doc(2, name="cloud"), doc(4, summary="pos shift"), doc(4, summary="pos")])
    pg.delete([3, 999])
    incremental = df_table(pg)
    pg.rebuild(
        [doc(1, name="pos cloud", description="pos"), doc(2, name="cloud"), doc(4, summary="pos")]
    )
    assert incremental == df_table(pg) == {"": 3, "pos": 2, "cloud": 2}


def test_rare_terms_weigh_more(pg: PostgresBackend) -> None:
    """Unlike ts_rank: the tool named for the rare term ranks above the one named for the common."""
    common = [doc(i, description="common") for i in range(10, 30)]
    pg.rebuild(
        [
            doc(1, name="common", description="rare"),
            doc(2, name="rare", description="common"),
            *common,
        ]
    )
    scores = pg.search(TextQuery((Clause((("rare",),)), Clause((("common",),)))))
    assert set(scores) == {1, 2}
    assert scores[2] > scores[1]


def test_upsert_and_delete_create_the_tables(pg: PostgresBackend) -> None:
    assert not pg.has_index()
    pg.delete([1])
    assert pg.has_index()
    pg.upsert([doc(1, name="pos")])
    assert set(pg.search(term("pos"))) == {1}


def test_readers_never_fail_while_rebuilds_swap_tables(pg: PostgresBackend) -> None:
    pg.rebuild([doc(1, name="pos")])
    errors: list[BaseException] = []
    seen: set[frozenset[int]] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                seen.add(frozenset(pg.search(term("pos"))))
            except BaseException as error:  # any error fails the test below
                errors.append(error)
                return

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(6):
            pg.rebuild([doc(1 + i % 2, name="pos")])
    finally:
        done.set()
        reader.join()
    assert not errors
    assert seen <= {frozenset({1}), frozenset({2})}


def test_a_table_of_another_shape_needs_a_rebuild(pg: PostgresBackend) -> None:
    url = sa.make_url(postgres_url() or "").set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as connection:
        connection.execute(f'CREATE TABLE "{pg.table}" (id bigint, body text)')
        connection.execute(f'CREATE TABLE "{pg.table}_df" (term text, df integer)')
    assert not pg.has_index()
    pg.rebuild([doc(1, name="pos")])
    assert pg.has_index()


def test_table_names_are_plain_identifiers() -> None:
    with pytest.raises(ValueError, match="table name"):
        PostgresBackend("postgresql://localhost/x", table='x"; DROP TABLE users; --')


def test_urls_get_the_psycopg_driver() -> None:
    for url in (
        "postgresql://u@h/db",
        "postgresql+psycopg2://u@h/db",
        "postgresql+psycopg://u@h/db",
    ):
        assert PostgresBackend(url)._engine.url.drivername == "postgresql+psycopg"
    with pytest.raises(ValueError, match="PostgreSQL URL"):
        PostgresBackend("sqlite:///x.db")
