"""PostgreSQL full-text search: the index lives in tables of the application's own database.

The tables are derived data, like Whoosh's files: this backend creates, fills and swaps
them itself, and they are not part of the Alembic models. Text arrives pre-tokenized by
the shared analyzer, so PostgreSQL's text-search parser and dictionaries are never used:
tsvectors and tsqueries are written as literals of exactly the analyzer's terms.

Scoring is BM25 with binary term frequency and no length normalisation (tsvectors built
from term lists keep no positions): a term found in a field scores idf(term) x the field's
boost, and a query scores as every backend's does, the sum of the terms of its matching
alternatives and of its optional terms found (backends/postings.py). `ts_rank` is not used
because it ignores term rarity. Each term's matching documents and score are read once per
version of the tables (the GIN index finds them) and queries are combined in numpy; a
search then costs one small query, for the version. Document frequencies are kept exactly,
in a side table updated in the same transaction as the documents.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, cast

import numpy as np
import psycopg
import sqlalchemy as sa
from psycopg import sql

from dx_match.search.backends.base import NO_HITS, Hits, Progress
from dx_match.search.backends.postings import Posting, TermPostings
from dx_match.search.documents import FIELD_BOOSTS, TEXT_FIELDS, SearchDocument
from dx_match.search.query import TextQuery

PROGRESS_EVERY = 500
# tsvector lexemes are limited to 2047 bytes; such a "term" is never a real word.
MAX_LEXEME_BYTES = 2046
# Room for the longest derived name, "<table>_df__new_pkey", within PostgreSQL's 63 bytes.
_TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,49}")
# The document-frequency row under the empty term counts the documents (no term is empty).
ALL_DOCUMENTS = ""
REBUILD_MAINTENANCE_MEM = "256MB"  # bounded memory for building the GIN index


def lexeme(term: str) -> str:
    """A term as a quoted tsvector/tsquery lexeme: nothing in it is operator syntax."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(terms: Iterable[str]) -> str:
    """The tsvector of exactly these terms (PostgreSQL sorts and deduplicates them)."""
    # lexeme() for every term, done as three C-level replaces over the joined text: terms
    # never contain spaces, so each space becomes the quote-space-quote between lexemes.
    joined = " ".join(terms)
    if not joined:
        return ""
    return "'" + joined.replace("\\", "\\\\").replace("'", "''").replace(" ", "' '") + "'"


def to_tsquery(text_query: TextQuery) -> str:
    """The matching part of a TextQuery as a tsquery literal (optional terms only score)."""
    clauses = [
        "("
        + " | ".join("(" + " & ".join(map(lexeme, alt)) + ")" for alt in clause.alternatives)
        + ")"
        for clause in text_query.clauses
    ]
    return (" & " if text_query.mode == "all" else " | ").join(clauses)


def _terms(text: str) -> list[str]:
    """The terms of a pre-tokenized field, without any too long for a lexeme."""
    terms = text.split()
    if max(map(len, terms), default=0) * 4 > MAX_LEXEME_BYTES:  # rare: check the bytes
        terms = [t for t in terms if len(t.encode()) <= MAX_LEXEME_BYTES]
    return terms


def _row(document: SearchDocument) -> tuple[int | str, ...]:
    """A document's table row: id, all its terms (for matching), then each field's terms."""
    fields = [_terms(document.fields.get(name, "")) for name in TEXT_FIELDS]
    every = tsvector_literal(set().union(*fields))
    return (document.id, every, *(tsvector_literal(field) for field in fields))


def _url(url: str) -> sa.URL:
    """The database URL with the psycopg 3 driver, whose COPY and cursors this module uses."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"the postgres search backend needs a PostgreSQL URL, not {url!r}")
    return parsed.set(drivername="postgresql+psycopg")


class PostgresBackend:
    """A documents table with a GIN index and a document-frequency table, swapped on rebuild."""

    name = "postgres"

    def __init__(self, url: str, table: str = "search_documents") -> None:
        if not _TABLE_NAME.fullmatch(table):
            raise ValueError(f"not a plain lower-case table name: {table!r}")
        self.table = table
        self._engine = sa.create_engine(_url(url), pool_size=5, max_overflow=10)
        # Reads are single statements (or two whose snapshots need not agree), so they skip
        # the BEGIN and COMMIT round trips.
        self._reader = self._engine.execution_options(isolation_level="AUTOCOMMIT")
        # Statement texts built once: composing them per search cost more than running them.
        self._select_df = (
            sql.SQL("SELECT term, df FROM {df} WHERE term = ANY(%s)")
            .format(**self._names())
            .as_bytes()
        )
        score = " + ".join(
            f"({_quoted(field)} @@ %(q)s::tsquery)::int * %(w_{field})s" for field in TEXT_FIELDS
        )
        self._select_term = (
            f"SELECT id, {score} FROM {_quoted(table)} WHERE terms @@ %(q)s::tsquery"
        ).encode()
        self._select_version = (
            sql.SQL("SELECT xmin::text, tableoid::bigint, df FROM {df} WHERE term = %s")
            .format(**self._names())
            .as_bytes()
        )
        self._cache_lock = threading.Lock()
        self._cache: PostgresPostings | None = None

    def _names(self, suffix: str = "") -> dict[str, sql.Identifier]:
        """The identifiers of the live tables (or, with a suffix, of a rebuild's new ones)."""
        docs, df = self.table + suffix, f"{self.table}_df{suffix}"
        return {
            "docs": sql.Identifier(docs),
            "docs_pkey": sql.Identifier(f"{docs}_pkey"),
            "docs_terms": sql.Identifier(f"{docs}_terms"),
            "df": sql.Identifier(df),
            "df_pkey": sql.Identifier(f"{df}_pkey"),
        }

    @contextmanager
    def _cursor(self, *, read: bool = False) -> Iterator[psycopg.Cursor[Any]]:
        """A cursor on a pooled connection: one transaction committed when the block ends."""
        with (self._reader if read else self._engine).begin() as connection:
            driver = cast(psycopg.Connection[Any], connection.connection.driver_connection)
            with driver.cursor() as cursor:
                yield cursor

    def _ensure(self, cursor: psycopg.Cursor[Any]) -> None:
        """Create the live tables and index on the first write to an empty database."""
        cursor.execute(
            "SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL",
            (self.table, f"{self.table}_df"),
        )
        row = cursor.fetchone()
        if not (row and row[0]):
            self._create(cursor)
            self._create_gin(cursor)

    def _lock(self, cursor: psycopg.Cursor[Any]) -> None:
        """Serialize writers of this table (upserts and the swap) until the transaction ends."""
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"dx_match.search:{self.table}",)
        )

    def _create(self, cursor: psycopg.Cursor[Any], suffix: str = "") -> None:
        """Create the tables when missing (a rebuild adds the GIN index after loading)."""
        names = self._names(suffix)
        fields = sql.SQL(", ").join(
            sql.SQL("{} tsvector NOT NULL").format(sql.Identifier(field)) for field in TEXT_FIELDS
        )
        cursor.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {docs} (id bigint CONSTRAINT {docs_pkey} PRIMARY KEY, "
                "terms tsvector NOT NULL, {fields})"
            ).format(fields=fields, **names)
        )
        cursor.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {df} "
                "(term text CONSTRAINT {df_pkey} PRIMARY KEY, df integer NOT NULL)"
            ).format(**names)
        )

    def _create_gin(self, cursor: psycopg.Cursor[Any], suffix: str = "") -> None:
        """The GIN index that finds the documents holding the query's terms."""
        # fastupdate off: writes are rare, and searches then never scan a pending list.
        cursor.execute(
            sql.SQL(
                "CREATE INDEX IF NOT EXISTS {docs_terms} ON {docs} USING gin (terms) "
                "WITH (fastupdate = off)"
            ).format(**self._names(suffix))
        )

    def has_index(self) -> bool:
        """True when both tables exist with the expected columns."""
        names = self._names()
        columns = sql.SQL(", ").join(map(sql.Identifier, ("id", "terms", *TEXT_FIELDS)))
        try:
            with self._cursor(read=True) as cursor:
                cursor.execute(
                    sql.SQL("SELECT {columns} FROM {docs} LIMIT 0").format(columns=columns, **names)
                )
                cursor.execute(sql.SQL("SELECT term, df FROM {df} LIMIT 0").format(**names))
        except (psycopg.Error, sa.exc.DBAPIError):
            return False
        return True

    def rebuild(
        self, documents: Iterable[SearchDocument], progress: Progress | None = None
    ) -> None:
        """Load new tables with COPY, index them, then swap them in within one transaction."""
        new, live = self._names("__new"), self._names()
        count = 0
        with self._cursor() as cursor:
            # The new tables exist only inside this transaction until it commits, so an
            # interrupted rebuild leaves nothing behind and readers never see them half full.
            cursor.execute(sql.SQL("DROP TABLE IF EXISTS {docs}, {df}").format(**new))
            self._create(cursor, "__new")
            columns = sql.SQL(", ").join(map(sql.Identifier, ("id", "terms", *TEXT_FIELDS)))
            with cursor.copy(
                sql.SQL("COPY {docs} ({columns}) FROM STDIN").format(columns=columns, **new)
            ) as copy:
                for document in documents:
                    copy.write_row(_row(document))
                    count += 1
                    if progress and count % PROGRESS_EVERY == 0:
                        progress(PROGRESS_EVERY)
            cursor.execute(
                sql.SQL(
                    "INSERT INTO {df} (term, df) SELECT lexeme, count(*) FROM {docs}, "
                    "unnest(array_append(tsvector_to_array(terms), %s)) AS lexeme GROUP BY lexeme"
                ).format(**new),
                (ALL_DOCUMENTS,),
            )
            cursor.execute(
                sql.SQL("SET LOCAL maintenance_work_mem = {}").format(
                    sql.Literal(REBUILD_MAINTENANCE_MEM)
                )
            )
            self._create_gin(cursor, "__new")
            cursor.execute(sql.SQL("ANALYZE {docs}, {df}").format(**new))
            self._lock(cursor)
            # Readers of the old table wait for its lock until this commits, then resolve
            # the name again and read the new table: they never see a missing table.
            cursor.execute(sql.SQL("DROP TABLE IF EXISTS {docs}, {df}").format(**live))
            for kind in ("docs", "df"):
                cursor.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(new[kind], live[kind]))
            for kind in ("docs_pkey", "docs_terms", "df_pkey"):
                cursor.execute(sql.SQL("ALTER INDEX {} RENAME TO {}").format(new[kind], live[kind]))
        if progress and count % PROGRESS_EVERY:
            progress(count % PROGRESS_EVERY)

    def upsert(self, documents: Iterable[SearchDocument]) -> None:
        """Replace documents by id and their document frequencies, in one transaction."""
        latest = {document.id: document for document in documents}  # the last one of an id wins
        if not latest:
            return
        names = self._names()
        columns = sql.SQL(", ").join(map(sql.Identifier, ("id", "terms", *TEXT_FIELDS)))
        values = sql.SQL(", ").join(sql.Placeholder() * (2 + len(TEXT_FIELDS)))
        with self._cursor() as cursor:
            self._lock(cursor)
            self._ensure(cursor)
            self._remove(cursor, list(latest))
            cursor.executemany(
                sql.SQL("INSERT INTO {docs} ({columns}) VALUES ({values})").format(
                    columns=columns, values=values, **names
                ),
                [_row(document) for document in latest.values()],
            )
            cursor.execute(
                sql.SQL(
                    "INSERT INTO {df} (term, df) SELECT lexeme, count(*) FROM {docs}, "
                    "unnest(array_append(tsvector_to_array(terms), %(all)s)) AS lexeme "
                    "WHERE id = ANY(%(ids)s) GROUP BY lexeme "
                    "ON CONFLICT (term) DO UPDATE SET df = {df}.df + excluded.df"
                ).format(**names),
                {"all": ALL_DOCUMENTS, "ids": list(latest)},
            )

    def delete(self, ids: Iterable[int]) -> None:
        """Delete documents by id (unknown ids are ignored), with their document frequencies."""
        wanted = list(set(ids))
        if not wanted:
            return
        with self._cursor() as cursor:
            self._lock(cursor)
            self._ensure(cursor)
            self._remove(cursor, wanted)

    def _remove(self, cursor: psycopg.Cursor[Any], ids: list[int]) -> None:
        """Delete rows and subtract their terms from the document frequencies."""
        names = self._names()
        cursor.execute(
            sql.SQL(
                "WITH old AS (DELETE FROM {docs} WHERE id = ANY(%(ids)s) RETURNING terms), "
                "gone AS (SELECT lexeme, count(*) AS n FROM old, "
                "unnest(array_append(tsvector_to_array(old.terms), %(all)s)) AS lexeme "
                "GROUP BY lexeme) "
                "UPDATE {df} SET df = {df}.df - gone.n FROM gone WHERE {df}.term = gone.lexeme "
                "RETURNING {df}.term, {df}.df"
            ).format(**names),
            {"all": ALL_DOCUMENTS, "ids": ids},
        )
        unused = [term for term, df in cursor.fetchall() if df <= 0 and term != ALL_DOCUMENTS]
        if unused:
            cursor.execute(
                sql.SQL("DELETE FROM {df} WHERE term = ANY(%s) AND df <= 0").format(**names),
                (unused,),
            )

    def search(self, text_query: TextQuery) -> dict[int, float]:
        """All matching ids, scored by idf x field boost for each query term found in a field."""
        return self.hits(text_query).as_dict()

    def hits(self, text_query: TextQuery, limit: int | None = None) -> Hits:
        """Matching ids and scores, combined in numpy from each term's cached postings."""
        if text_query.empty:
            return NO_HITS
        postings = self._postings()
        if not postings.size:
            return NO_HITS
        slots, scores = postings.evaluate(text_query)
        return Hits(postings.universe[slots], scores).best(limit)

    def _postings(self) -> PostgresPostings:
        """The posting cache of the tables' current version (one small query per search)."""
        with self._cursor(read=True) as cursor:
            cursor.execute(self._select_version, (ALL_DOCUMENTS,))
            row = cursor.fetchone()
        # Every write updates the document count's row (a new xmin); a rebuild makes new tables.
        version = (str(row[0]), int(row[1])) if row else ("", 0)
        with self._cache_lock:
            if self._cache is not None and self._cache.version == version:
                return self._cache
        postings = PostgresPostings(self, version, int(row[2]) if row else 0)
        with self._cache_lock:
            self._cache = postings
        return postings

    def term_postings(self, term: str, total: int) -> tuple[list[int], list[float]]:
        """The ids of documents holding `term` and its score in each (idf x boosts of fields)."""
        with self._cursor(read=True) as cursor:
            cursor.execute(self._select_df, ([term],))
            df = dict(cursor.fetchall()).get(term, 0)
            idf = _idf(total, df)
            params: dict[str, str | float] = {"q": lexeme(term)}
            for field, boost in FIELD_BOOSTS.items():
                params[f"w_{field}"] = idf * boost
            # Not prepared: planning with the values folds the tsquery casts into constants.
            cursor.execute(self._select_term, params, prepare=False)
            rows = cursor.fetchall()
        return [int(i) for i, _s in rows], [float(s) for _i, s in rows]

    def all_ids(self) -> list[int]:
        """Every indexed tool id, ascending."""
        with self._cursor(read=True) as cursor:
            cursor.execute(sql.SQL("SELECT id FROM {docs} ORDER BY id").format(**self._names()))
            return [int(tool_id) for (tool_id,) in cursor.fetchall()]

    def ids(self) -> set[int]:
        """Every indexed tool id."""
        return set(self.all_ids())

    def drop(self) -> None:
        """Remove this backend's tables (tests; switching backends)."""
        with self._cursor() as cursor:
            self._lock(cursor)
            for suffix in ("", "__new"):
                cursor.execute(
                    sql.SQL("DROP TABLE IF EXISTS {docs}, {df}").format(**self._names(suffix))
                )

    def close(self) -> None:
        """Close the pooled connections."""
        self._engine.dispose()


class PostgresPostings(TermPostings):
    """Each term's postings read once per version of the tables; slots index the sorted ids."""

    def __init__(self, backend: PostgresBackend, version: tuple[str, int], total: int) -> None:
        self.backend, self.version, self.total = backend, version, total
        self.universe = np.array(backend.all_ids(), dtype=np.int64)
        super().__init__(len(self.universe))

    def read(self, term: str) -> Posting:
        """The documents holding the term, with idf x the boosts of the fields holding it."""
        ids, scores = self.backend.term_postings(term, self.total)
        slots = np.searchsorted(self.universe, np.array(ids, dtype=np.int64))
        # A document added after the ids were read is not in this version's universe.
        known = slots < self.size
        known[known] = self.universe[slots[known]] == np.array(ids, dtype=np.int64)[known]
        order = np.argsort(slots[known], kind="stable")
        return Posting(slots[known][order], np.array(scores, dtype=np.float64)[known][order])


def _quoted(name: str) -> str:
    """A quoted SQL identifier."""
    return sql.Identifier(name).as_string()


def _idf(total: int, df: int) -> float:
    """BM25's inverse document frequency: always positive, higher for rarer terms."""
    return math.log(1 + (total - df + 0.5) / (df + 0.5))
