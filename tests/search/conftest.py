"""Search fixtures: a shared analyzer, and one factory per text backend."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dx_match.search.backends.base import TextBackend
from dx_match.search.query import Synonyms
from dx_match.search.synonyms import load_synonyms
from dx_match.search.tokenize import Analyzer

BACKENDS = ["whoosh", "tantivy", "postgres"]


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """The analyzer with the catalog's domain words."""
    words, _groups = load_synonyms()
    return Analyzer(words)


@pytest.fixture(scope="session")
def synonyms(analyzer: Analyzer) -> Synonyms:
    """The catalog's synonym groups."""
    _words, groups = load_synonyms()
    return Synonyms(analyzer, groups)


def postgres_url() -> str | None:
    """The PostgreSQL the postgres backend is tested on (the suite's, when it is PostgreSQL)."""
    url = os.environ.get("DX_TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def make_backend(name: str, tmp_path: Path) -> TextBackend:
    """A fresh, empty backend of the given kind."""
    if name == "whoosh":
        from dx_match.search.backends.whoosh_backend import WhooshBackend

        return WhooshBackend(tmp_path / "whoosh")
    if name == "tantivy":
        from dx_match.search.backends.tantivy_backend import TantivyBackend

        return TantivyBackend(tmp_path / "tantivy")
    url = postgres_url()
    if url is None:
        pytest.skip(
            "the postgres backend runs when DX_TEST_DATABASE_URL is PostgreSQL (CI's second pass)"
        )
    from dx_match.search.backends.postgres_backend import PostgresBackend

    return PostgresBackend(
        url, table=f"search_test_{os.getpid()}_{tmp_path.name[-12:].replace('-', '_')}"
    )


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TextBackend]:
    """Each text backend in turn, empty."""
    instance = make_backend(request.param, tmp_path)
    yield instance
    drop: Callable[[], None] | None = getattr(instance, "drop", None)
    if drop is not None:
        drop()
    instance.close()


#: Analyzed terms (stems, unified Han, kana bigrams) for random documents and queries.
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
