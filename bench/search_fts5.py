"""The SQLite FTS5 baseline of bench/search.py: match, filters, facet counts and page in SQL.

Honest on purpose: it indexes the same pre-tokenized text as the backends (space-joined
terms; `unicode61` then only splits at the spaces, since every term is letters or digits),
sends an FTS5 query of the same AND/OR structure with quoted terms, and answers what
`SearchService.search` answers (one page in rank order, the total, and disjunctive facet
counts) with SQL: filters as WHERE clauses, counts as GROUP BY over a facet table. It falls
back like `SearchService._match` (typo-corrected, then any word) when the words match nothing.

Two things are precomputed at build time instead of per request, and said so: the monthly
cost for one user (every benchmark request asks for one user), and the prefix rules of
industries and regions as (tool, code it fits) rows taken from the sidecar's own masks, so a
facet count is one GROUP BY. The filters restate the sidecar's prefix rules in SQL.
Optional query terms only add score in the backends; FTS5 cannot add score without widening
the match, so they are left out (matches are identical, the order within a page may differ).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from dx_match.i18n import localized
from dx_match.search import docvalues as docvalues_module
from dx_match.search import query as q
from dx_match.search.documents import FIELD_BOOSTS, TEXT_FIELDS, SearchDocument
from dx_match.search.docvalues import PRICE_BANDS, DocValues, Filters, fresh_since
from dx_match.search.service import SearchRequest
from dx_match.taxonomy.codes import industry_covers, region_covers

UI_LANGS = ("en", "zh-TW", "ja")
BATCH = 2000
MULTI = ("functions", "languages", "subsidies")


def match_expression(text_query: q.TextQuery) -> str:
    """The TextQuery as an FTS5 query: clauses AND (or OR), alternatives OR, terms AND."""

    def quote(term: str) -> str:
        return '"' + term.replace('"', '""') + '"'

    clauses = [
        "(" + " OR ".join("(" + " AND ".join(map(quote, alt)) + ")" for alt in c.alternatives) + ")"
        for c in text_query.clauses
    ]
    return (" AND " if text_query.mode == "all" else " OR ").join(clauses)


@dataclass
class Answer:
    """What SearchService.search returns that the benchmark compares."""

    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]]


class Fts5Baseline:
    """One SQLite file: the FTS5 table, a tools table and a (kind, tool, code) facet table."""

    name = "fts5"

    def __init__(
        self,
        path: Path,
        docvalues: DocValues,
        vocabulary: q.Vocabulary,
        text_query: Callable[[str], q.TextQuery],
    ) -> None:
        self.path = path
        self.docvalues = docvalues
        self.vocabulary = vocabulary
        self.text_query = text_query
        self.db: sqlite3.Connection | None = None
        self.industry_codes: list[str] = []
        self.region_codes: list[str] = []

    def build(self, documents: Iterable[SearchDocument], progress: Any = None) -> None:
        """Create and fill every table (documents are streamed; facets come from the sidecar)."""
        self.path.unlink(missing_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("BEGIN")
        columns = ", ".join(TEXT_FIELDS)
        db.execute(
            f"CREATE VIRTUAL TABLE fts USING fts5({columns}, content='', "
            "tokenize='unicode61 remove_diacritics 0')"
        )
        batch: list[tuple[Any, ...]] = []
        for document in documents:
            batch.append((document.id, *(document.fields[f] for f in TEXT_FIELDS)))
            if len(batch) == BATCH:
                self._insert(db, batch, progress)
        self._insert(db, batch, progress)
        self._tables(db)
        db.execute("COMMIT")
        db.execute("PRAGMA optimize")
        db.close()
        self.open()

    @staticmethod
    def _insert(db: sqlite3.Connection, batch: list[tuple[Any, ...]], progress: Any) -> None:
        marks = ", ".join("?" * (len(TEXT_FIELDS) + 1))
        db.executemany(f"INSERT INTO fts(rowid, {', '.join(TEXT_FIELDS)}) VALUES ({marks})", batch)
        if progress:
            progress(len(batch))
        batch.clear()

    def _tables(self, db: sqlite3.Connection) -> None:
        dv = self.docvalues
        names = ", ".join(f"name_{i} TEXT" for i in range(len(UI_LANGS)))
        db.execute(
            "CREATE TABLE tools (id INTEGER PRIMARY KEY, deployment TEXT, trial INT, "
            f"registered INT, no_industries INT, no_regions INT, cost1 REAL, langs TEXT, "
            f"rating REAL, verified INT, {names})"
        )
        db.execute(
            "CREATE TABLE facet (kind TEXT, tool_id INT, code TEXT, "
            "PRIMARY KEY (kind, tool_id, code)) WITHOUT ROWID"
        )
        cost = dv.monthly_usd(1)
        industries = dv.multi["industries"].codes
        regions = dv.multi["regions"].codes
        # The codes the sidecar counts (INDUSTRY_FACETS when this version of it has them).
        extra = getattr(docvalues_module, "INDUSTRY_FACETS", ())
        self.industry_codes = sorted({*extra, *industries, *(c[:1] for c in industries)})
        self.region_codes = list(regions)
        for row, record in enumerate(dv.records):
            names_ = [localized(record.name, lang).casefold() for lang in UI_LANGS]
            db.execute(
                "INSERT INTO tools VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id,
                    record.deployment or "",
                    int(record.trial_days > 0),
                    int(bool(record.subsidies)),
                    int(not record.industries),
                    int(not record.regions),
                    float(cost[row]) if np.isfinite(cost[row]) else 1e300,
                    " " + " ".join(record.languages) + " ",
                    record.rating or 0.0,
                    record.verified_at.toordinal() if record.verified_at else 0,
                    *names_,
                ),
            )
            # Functions with their groups, as the sidecar expands them.
            groups = {code.split(".")[0] for code in record.functions}
            rows = [("functions", code) for code in {*record.functions, *groups}]
            rows += [
                (kind, code)
                for kind in ("languages", "subsidies", "industries", "regions")
                for code in getattr(record, kind)
            ]
            db.executemany(
                "INSERT OR IGNORE INTO facet VALUES (?, ?, ?)",
                [(kind, record.id, code) for kind, code in rows],
            )
        # Which codes each tool fits, by the sidecar's own prefix rules (its masks, once).
        for kind, codes, mask_of, empty in (
            ("industry_fit", self.industry_codes, dv.industry_mask, dv.multi["industries"].empty),
            ("region_fit", self.region_codes, dv.region_mask, dv.multi["regions"].empty),
        ):
            for code in codes:
                fits = np.flatnonzero(mask_of([code]) & ~empty)
                db.executemany(
                    "INSERT INTO facet VALUES (?, ?, ?)",
                    [(kind, int(tool_id), code) for tool_id in dv.ids[fits]],
                )

    def open(self) -> None:
        """Open the database for searching."""
        self.db = sqlite3.connect(self.path, check_same_thread=False)
        self.db.execute("PRAGMA cache_size=-200000")

    def size_bytes(self) -> int:
        """The database file."""
        return self.path.stat().st_size

    def close(self) -> None:
        """Close the connection."""
        if self.db is not None:
            self.db.close()
            self.db = None

    # -- searching ----------------------------------------------------------------------

    def conditions(self, filters: Filters) -> dict[str, tuple[str, list[Any]]]:
        """One SQL condition on `t` per active filter, keyed like DocValues.masks."""
        out: dict[str, tuple[str, list[Any]]] = {}

        def facet(kind: str, codes: Iterable[str]) -> tuple[str, list[Any]]:
            codes = list(codes)
            marks = ", ".join("?" * len(codes)) or "NULL"
            return (
                f"EXISTS (SELECT 1 FROM facet f WHERE f.kind = '{kind}' AND f.tool_id = t.id "
                f"AND f.code IN ({marks}))",
                codes,
            )

        if filters.industries:
            covering = [
                c
                for c in self.docvalues.multi["industries"].codes
                if any(industry_covers(c, code) for code in filters.industries)
            ]
            sql, args = facet("industries", covering)
            out["industries"] = (f"(t.no_industries OR {sql})", args)
        if filters.functions:
            out["functions"] = facet("functions", filters.functions)
        if filters.deployments:
            marks = ", ".join("?" * len(filters.deployments))
            out["deployment"] = (f"t.deployment IN ({marks})", list(filters.deployments))
        if filters.languages:
            out["languages"] = facet("languages", filters.languages)
        if filters.regions:
            # DocValues.region_mask's rule: a listed region covering a wanted one.
            covering = [
                c for c in self.region_codes if any(region_covers(c, r) for r in filters.regions)
            ]
            sql, args = facet("regions", covering)
            out["regions"] = (f"(t.no_regions OR {sql})", args)
        if filters.subsidies:
            out["subsidies"] = facet("subsidies", filters.subsidies)
        if filters.subsidy_registered:
            out["subsidy_registered"] = ("t.registered", [])
        if filters.trial:
            out["trial"] = ("t.trial", [])
        if filters.min_rating is not None:
            out["rating"] = ("t.rating >= ?", [filters.min_rating - 1e-9])
        if filters.verified_since is not None:
            out["fresh"] = ("t.verified >= ?", [filters.verified_since.toordinal()])
        if filters.max_price is not None:
            limit = self.docvalues.to_base(filters.max_price, filters.currency) * (1 + 1e-9)
            out["max_price"] = ("t.cost1 <= ?", [limit])
        if filters.price_bands:
            out["price"] = ("(" + " OR ".join(band_sql(b) for b in filters.price_bands) + ")", [])
        return out

    def search(self, request: SearchRequest, text_query: q.TextQuery | None) -> Answer:
        """The page, total and facet counts of a request, as SearchService.search gives them."""
        assert self.db is not None
        assert request.filters.users == 1, "cost1 is precomputed for one user"
        conditions = self.conditions(request.filters)
        if text_query is not None and text_query.empty:
            text_query = None
        if text_query is not None:
            text_query = self._match(text_query, request.q)
        if text_query is None:
            source, args = "SELECT id, 0.0 AS score FROM tools", []
        else:
            weights = ", ".join(str(w) for w in FIELD_BOOSTS.values())
            source = f"SELECT rowid AS id, bm25(fts, {weights}) AS score FROM fts WHERE fts MATCH ?"
            args = [match_expression(text_query)]
        where = " AND ".join(c for c, _ in conditions.values()) or "1"
        where_args = [a for _, values in conditions.values() for a in values]
        lang = request.lang if request.lang in UI_LANGS else "en"
        name = f"t.name_{UI_LANGS.index(lang)}"
        if text_query is None:
            order = f"{name}, t.id"
        else:
            speaks = (
                f"instr(t.langs, ' {text_query.language} ') = 0, " if text_query.language else ""
            )
            order = f"{speaks}m.score, {name}, t.id"
        rows = self.db.execute(
            f"WITH m AS MATERIALIZED ({source}) SELECT t.id, count(*) OVER () FROM m "
            f"JOIN tools t ON t.id = m.id WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*args, *where_args, request.per_page, (max(request.page, 1) - 1) * request.per_page],
        ).fetchall()
        total = rows[0][1] if rows else 0
        if not rows and request.page > 1:
            total = self._count(source, args, where, where_args)
        facets = {}
        if request.facets:
            fresh = request.filters.verified_since or fresh_since(date.today())
            facets = self._facets(source, args, conditions, fresh)
        return Answer([r[0] for r in rows], total, facets)

    def _count(self, source: str, args: list[Any], where: str, where_args: list[Any]) -> int:
        assert self.db is not None
        sql = (
            f"WITH m AS ({source}) SELECT count(*) FROM m JOIN tools t ON t.id = m.id WHERE {where}"
        )
        return int(self.db.execute(sql, [*args, *where_args]).fetchone()[0])

    def _any(self, text_query: q.TextQuery) -> bool:
        assert self.db is not None
        sql = "SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 1"
        return self.db.execute(sql, [match_expression(text_query)]).fetchone() is not None

    def _match(self, text_query: q.TextQuery, text: str) -> q.TextQuery:
        """The query SearchService._match would end up using (same fallbacks, same order)."""
        if self._any(text_query):
            return text_query
        suggestion = self.vocabulary.suggest(text)
        corrected = self.text_query(suggestion) if suggestion else None
        if corrected is not None and not corrected.empty and self._any(corrected):
            return corrected
        if self._any(text_query.relaxed()):
            return text_query.relaxed()
        if corrected is not None and not corrected.empty and self._any(corrected.relaxed()):
            return corrected.relaxed()
        return text_query

    def _facets(
        self,
        source: str,
        args: list[Any],
        conditions: Mapping[str, tuple[str, list[Any]]],
        fresh: date,
    ) -> dict[str, dict[str, int]]:
        """Disjunctive counts: each facet over the matches and every other facet's filter."""
        assert self.db is not None

        # Each filter is evaluated once per matching tool (a flag column), then every facet
        # counts over the flags of the other filters.
        flags = {name: f"c{i}" for i, name in enumerate(conditions)}
        columns = "".join(f", {c} AS {flags[name]}" for name, (c, _) in conditions.items())
        flag_args = [a for _, values in conditions.values() for a in values]

        def others(name: str) -> str:
            return " AND ".join(flag for key, flag in flags.items() if key != name) or "1"

        parts: list[str] = []
        join = "FROM b t"
        for name in MULTI:
            parts.append(
                f"SELECT '{name}', f.code, count(*) {join} JOIN facet f ON f.kind = '{name}' "
                f"AND f.tool_id = t.id WHERE {others(name)} GROUP BY f.code"
            )
        for name, fit, empty in (
            ("industries", "industry_fit", "no_industries"),
            ("regions", "region_fit", "no_regions"),
        ):
            parts.append(
                f"SELECT '{name}', f.code, count(*) {join} JOIN facet f ON f.kind = '{fit}' "
                f"AND f.tool_id = t.id WHERE {others(name)} GROUP BY f.code"
            )
            parts.append(f"SELECT '{name}', '', sum(t.{empty}) {join} WHERE {others(name)}")
        parts.append(
            f"SELECT 'deployment', t.deployment, count(*) {join} WHERE {others('deployment')} "
            "GROUP BY t.deployment"
        )
        yes_no = (
            ("trial", "t.trial"),
            ("subsidy_registered", "t.registered"),
            ("rating", "t.rating >= 4 - 1e-9"),  # the sidecar's "4 stars and up"
            ("fresh", f"t.verified >= {fresh.toordinal()}"),
        )
        for name, column in yes_no:
            parts.append(f"SELECT '{name}', 'yes', sum({column}) {join} WHERE {others(name)}")
        for band, _low, _high in PRICE_BANDS:
            parts.append(
                f"SELECT 'price', '{band}', sum({band_sql(band)}) {join} WHERE {others('price')}"
            )
        sql = (
            f"WITH m AS MATERIALIZED ({source}), b AS MATERIALIZED (SELECT t.*{columns} "
            "FROM m JOIN tools t ON t.id = m.id) " + " UNION ALL ".join(parts)
        )
        rows = self.db.execute(sql, [*args, *flag_args]).fetchall()
        return self._shape(rows)

    def _shape(self, rows: Iterable[tuple[str, str, int | None]]) -> dict[str, dict[str, int]]:
        """Rows into the sidecar's dictionary shape (including its zero counts)."""
        result: dict[str, dict[str, int]] = {n: {} for n in (*MULTI, "deployment")}
        result["industries"] = dict.fromkeys(self.industry_codes, 0)
        result["regions"] = dict.fromkeys(self.region_codes, 0)
        result["trial"] = {"yes": 0}
        result["subsidy_registered"] = {"yes": 0}
        result["rating"] = {"yes": 0}
        result["fresh"] = {"yes": 0}
        result["price"] = {band: 0 for band, _lo, _hi in PRICE_BANDS}
        empty = {"industries": 0, "regions": 0}
        for name, code, count in rows:
            if name in empty and code == "":
                empty[name] = count or 0
            elif count and (name != "deployment" or code):
                result[name][code] = count
        for name, extra in empty.items():
            result[name] = {code: n + extra for code, n in result[name].items()}
        return result


def band_sql(band: str) -> str:
    """A price band as a condition on the precomputed one-user monthly cost."""
    for name, low, high in PRICE_BANDS:
        if name == band:
            if name == "free":
                return "(t.cost1 = 0)"
            # Like the sidecar, the open band also holds quote-only tools (cost infinite).
            upper = "" if high == float("inf") else f" AND t.cost1 <= {high}"
            return f"(t.cost1 > {low}{upper})"
    raise ValueError(band)
