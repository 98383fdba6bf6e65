"""The page cache: anonymous catalog pages once per catalog state, language and currency."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask, g, request_started
from flask.testing import FlaskClient

from dx_match.catalog import canonical, exchange
from dx_match.catalog.models import Tool
from dx_match.db import utcnow
from dx_match.extensions import db
from dx_match.inquiries.counting import view_counter
from dx_match.pagecache.cache import (
    EXTENSION_KEY,
    HEADER,
    NONCE_PLACEHOLDER,
    REDIS_PREFIX,
    REDIS_TTL_SECONDS,
    CachedPage,
    DiskStore,
    MemoryStore,
    PageCache,
    RedisStore,
    TieredStore,
)
from dx_match.pagecache.token import catalog_state
from dx_match.reviews.models import Adoption, Review
from tests.conftest import AuthActions
from tests.recommend.conftest import CAFE_TAIPEI

SLUG = "jadeledger-books"


def _forget_locale(_sender: Flask, **_extra: object) -> None:
    g.pop("_flask_babel", None)  # the test's app context outlives requests; production's does not


@pytest.fixture
def cache(app: Flask) -> Iterator[MemoryStore]:
    """The page cache on, with a store of this test's own."""
    store = MemoryStore(8 * 1024 * 1024)
    app.extensions[EXTENSION_KEY] = PageCache(store, "test")
    request_started.connect(_forget_locale, app)
    yield store
    request_started.disconnect(_forget_locale, app)
    del app.extensions[EXTENSION_KEY]


def tool() -> Tool:
    found = db.session.scalar(sa.select(Tool).where(Tool.slug == SLUG))
    assert found is not None
    return found


def nonce(response: object) -> str:
    match = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])  # type: ignore[attr-defined]
    assert match
    return match.group(1)


@pytest.mark.usefixtures("cache")
@pytest.mark.parametrize("path", ["/tools?lang=en", f"/tools/{SLUG}?lang=en", "/search?q=invoice"])
def test_second_anonymous_request_is_served_from_the_cache(client: FlaskClient, path: str) -> None:
    first, second = client.get(path), client.get(path)
    assert (first.headers[HEADER], second.headers[HEADER]) == ("miss", "hit")
    assert second.get_data(as_text=True) == first.get_data(as_text=True)
    assert second.headers["Content-Language"] == "en" or "lang" not in path


@pytest.mark.usefixtures("cache")
def test_each_answer_has_its_own_nonce_and_headers(client: FlaskClient) -> None:
    first, second = client.get("/tools?cur=JPY"), client.get("/tools?cur=JPY")
    assert second.headers[HEADER] == "hit"
    assert nonce(first) != nonce(second)
    assert NONCE_PLACEHOLDER not in second.get_data(as_text=True)
    assert "dx_cur=JPY" in second.headers["Set-Cookie"]  # the after-request hooks still run


def test_a_cached_nonce_is_replaced_by_the_answers_own() -> None:
    page = CachedPage.unpack(CachedPage(f'<script nonce="{NONCE_PLACEHOLDER}">', ()).pack())
    assert page.body.replace(NONCE_PLACEHOLDER, "abc") == '<script nonce="abc">'


@pytest.mark.usefixtures("cache")
def test_language_and_currency_have_pages_of_their_own(client: FlaskClient) -> None:
    path = f"/tools/{SLUG}"
    ja = client.get(path, headers={"Accept-Language": "ja"})
    en = client.get(path, headers={"Accept-Language": "en"})
    assert (ja.headers[HEADER], en.headers[HEADER]) == ("miss", "miss")
    assert '<html lang="ja">' in ja.get_data(as_text=True)
    assert '<html lang="en">' in en.get_data(as_text=True)
    client.set_cookie("dx_cur", "JPY")
    jpy = client.get(path, headers={"Accept-Language": "en"})
    assert jpy.headers[HEADER] == "miss"
    assert "¥" in jpy.get_data(as_text=True) and "¥" not in en.get_data(as_text=True)
    again = client.get(path, headers={"Accept-Language": "ja"})
    assert again.headers[HEADER] == "hit" and '<html lang="ja">' in again.get_data(as_text=True)


@pytest.mark.usefixtures("cache")
def test_an_approval_changes_the_page_at_once(client: FlaskClient) -> None:
    """exchange.upsert_row is what an approval (and the importer) writes."""
    path = f"/tools/{SLUG}?lang=en"
    assert "JadeLedger Books" in client.get(path).get_data(as_text=True)
    token = catalog_state(db.session)[0]
    row = canonical.tool_row(tool())
    row["name"] = {**row["name"], "en": "JadeLedger Books Plus"}
    assert exchange.upsert_row("tools", row) == "updated"
    db.session.commit()
    assert catalog_state(db.session)[0] != token
    changed = client.get(path)
    assert changed.headers[HEADER] == "miss"
    assert "JadeLedger Books Plus" in changed.get_data(as_text=True)


@pytest.mark.usefixtures("cache")
def test_a_new_or_hidden_review_changes_the_tool_page(client: FlaskClient, make_user) -> None:  # type: ignore[no-untyped-def]
    """Reviews are on the anonymous tool page too: writing or hiding one is a new page."""
    path = f"/tools/{SLUG}?lang=en"
    client.get(path)
    assert client.get(path).headers[HEADER] == "hit"
    organisation_id = make_user("sme").organisation_id
    adoption = Adoption(
        organisation_id=organisation_id,
        tool=tool(),
        since=date(2025, 1, 6),
        source="declared",
        confirmed_at=utcnow(),
    )
    review = Review(
        organisation_id=organisation_id, tool=tool(), adoption=adoption,
        overall=5, ease=5, value=5, support=5, body="Invoices now take minutes",
    )  # fmt: skip
    db.session.add_all([adoption, review])
    db.session.commit()
    written = client.get(path)
    assert written.headers[HEADER] == "miss"
    assert "Invoices now take minutes" in written.get_data(as_text=True)
    assert client.get(path).headers[HEADER] == "hit"
    review.hidden = True
    db.session.commit()
    hidden = client.get(path)
    assert hidden.headers[HEADER] == "miss"
    assert "Invoices now take minutes" not in hidden.get_data(as_text=True)


@pytest.mark.usefixtures("cache")
def test_a_rolled_back_change_leaves_the_token_alone(client: FlaskClient) -> None:
    token = catalog_state(db.session)[0]
    tool().name = {"en": "Never committed"}
    db.session.flush()
    db.session.rollback()
    assert catalog_state(db.session)[0] == token


@pytest.mark.usefixtures("cache")
def test_logged_in_visitors_never_get_a_cached_page(client: FlaskClient, make_user) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/tools").headers[HEADER] == "miss"
    assert client.get("/tools").headers[HEADER] == "hit"
    AuthActions(client).login(make_user("sme"))  # type: ignore[no-untyped-call]
    for _ in range(2):
        page = client.get("/tools")
        assert HEADER not in page.headers
        assert "Log out" in page.get_data(as_text=True)


@pytest.mark.usefixtures("cache")
def test_pages_with_flashed_messages_are_rendered(client: FlaskClient) -> None:
    assert client.get("/tools").headers[HEADER] == "miss"
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this visitor")]
    page = client.get("/tools")
    assert HEADER not in page.headers
    assert "A message for this visitor" in page.get_data(as_text=True)


@pytest.mark.usefixtures("cache")
def test_views_are_counted_on_cached_answers(client: FlaskClient) -> None:
    counter = view_counter()
    counter.take()
    for _ in range(3):
        client.get(f"/tools/{SLUG}")
    assert counter.take()[("tool", tool().id, date.today())] == 3


def test_nothing_is_cached_when_the_cache_is_off(client: FlaskClient) -> None:
    assert HEADER not in client.get("/tools").headers


def test_the_memory_store_keeps_the_most_recently_used_pages_within_its_budget() -> None:
    store = MemoryStore(max_bytes=10)
    store.put("a", b"12345")
    store.put("b", b"12345")
    assert store.get("a") == b"12345"  # a is now the most recently used
    store.put("c", b"12345")
    assert (store.get("a"), store.get("b"), store.get("c")) == (b"12345", None, b"12345")


TEST_REDIS = "redis://127.0.0.1:6379/7"  # this branch's Redis db for tests


def test_pages_in_redis_are_shared_by_every_process(app: Flask) -> None:
    """Two stores stand for two workers (or machines) on one Redis database."""
    import secrets

    import redis

    key = "test-" + secrets.token_hex(8)
    one, other = RedisStore(TEST_REDIS), RedisStore(TEST_REDIS)
    page = CachedPage("<p>shared</p>", (("tool", 1, 2),))
    with app.app_context():
        assert other.get(key) is None
        one.put(key, page.pack())
        data = other.get(key)
    assert data is not None and CachedPage.unpack(data) == page
    connection = redis.Redis.from_url(TEST_REDIS)
    assert 0 < connection.ttl(REDIS_PREFIX + key) <= REDIS_TTL_SECONDS
    connection.delete(REDIS_PREFIX + key)


def test_an_unreachable_redis_means_rendering_not_an_error(app: Flask) -> None:
    store = RedisStore("redis://127.0.0.1:1/0")  # nothing listens on port 1
    with app.app_context():
        store.put("k", b"x")
        assert store.get("k") is None


def test_pages_on_disk_are_shared_by_the_processes_of_a_machine(app: Flask, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Two stores on one folder stand for two gunicorn workers (or a worker and its successor)."""
    one, other = DiskStore(tmp_path / "pc", 1024 * 1024), DiskStore(tmp_path / "pc", 1024 * 1024)
    page = CachedPage("<p>shared</p>", (("tool", 1, 2),))
    with app.app_context():
        assert other.get("k") is None
        one.put("k", page.pack())
        data = other.get("k")
    assert data is not None and CachedPage.unpack(data) == page


def test_the_disk_store_keeps_within_its_budget(app: Flask, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os

    store = DiskStore(tmp_path / "pc", 2 * 1024 * 1024)
    with app.app_context():
        for i in range(40):  # 40 x 100 KB (incompressible) into 2 MB
            store.put(f"k{i}", os.urandom(100 * 1024))
        kept = [i for i in range(40) if store.get(f"k{i}") is not None]
    assert kept and len(kept) < 40
    assert 39 in kept  # the newest stay, the oldest went
    assert sum(f.stat().st_size for f in (tmp_path / "pc").rglob("*") if f.is_file()) < 6 * 1024**2


def test_a_locked_disk_store_means_rendering_not_waiting(app: Flask, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3
    import time

    store = DiskStore(tmp_path / "pc", 1024 * 1024)
    with app.app_context():
        store.put("k", b"x")
        other = sqlite3.connect(tmp_path / "pc" / "cache.db")
        other.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
        started = time.monotonic()
        store.put("k2", b"y")  # gives up after its lock timeout: not kept, no error
        assert time.monotonic() - started < 5
        assert store.get("k") == b"x"  # WAL: reads go on
        other.rollback()
        other.close()
        assert store.get("k2") is None


def test_the_embedded_default_keeps_pages_in_the_instance_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dx_match import create_app

    instance = tmp_path / "instance"
    app = create_app({"DX_INSTANCE_PATH": str(instance), "DX_PAGE_CACHE": True, "DX_REDIS_URL": ""})
    cache = app.extensions[EXTENSION_KEY]
    assert isinstance(cache.store, DiskStore) and (instance / "pagecache").is_dir()


def test_a_read_only_instance_folder_falls_back_to_memory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dx_match import create_app

    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "pagecache").write_text("a file where the folder should be")
    app = create_app({"DX_INSTANCE_PATH": str(instance), "DX_PAGE_CACHE": True, "DX_REDIS_URL": ""})
    assert isinstance(app.extensions[EXTENSION_KEY].store, MemoryStore)


@pytest.mark.usefixtures("cache")
def test_a_recommendation_is_computed_once_per_profile_day_language_and_catalog(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dx_match.recommend import service as recommend_module

    calls: list[str] = []
    original = recommend_module.RecommendService.recommend

    def counted(self, profile, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs["lang"])
        return original(self, profile, **kwargs)

    monkeypatch.setattr(recommend_module.RecommendService, "recommend", counted)
    profile = dict(CAFE_TAIPEI)
    url = "/api/v1/recommend?today=2026-11-26"
    first = client.post(url + "&lang=en", json=profile)
    again = client.post(url + "&lang=en", json=dict(reversed(profile.items())))  # same profile
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json() and len(calls) == 1
    client.post(url + "&lang=ja", json=profile)
    client.post("/api/v1/recommend?today=2027-01-05&lang=en", json=profile)
    client.post(url + "&lang=en", json={**profile, "employees": 13})
    assert len(calls) == 4
    row = canonical.tool_row(tool())
    row["name"] = {**row["name"], "en": "JadeLedger Books Plus"}
    exchange.upsert_row("tools", row)
    db.session.commit()  # a catalog change: a new token, so a fresh answer
    client.post(url + "&lang=en", json=profile)
    assert len(calls) == 5


def test_a_tiered_store_answers_repeats_from_the_process_and_shares_the_rest(app: Flask) -> None:
    import secrets

    key = "test-" + secrets.token_hex(8)
    shared = MemoryStore(1024 * 1024)  # stands for Redis
    one, other = TieredStore(MemoryStore(1024), shared), TieredStore(MemoryStore(1024), shared)
    with app.app_context():
        one.put(key, b"page")
        assert other.get(key) == b"page"  # from the shared store
        shared.put(key, b"changed")  # cannot happen (keys name their content): shows the source
        assert other.get(key) == b"page"  # now from its own
        assert TieredStore(MemoryStore(1024), shared).get(key) == b"changed"


def test_scale_out_pages_go_through_the_process_to_redis(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dx_match import create_app

    app = create_app(
        {"DX_INSTANCE_PATH": str(tmp_path), "DX_PAGE_CACHE": True, "DX_REDIS_URL": TEST_REDIS}
    )
    store = app.extensions[EXTENSION_KEY].store
    assert isinstance(store, TieredStore) and isinstance(store.far, RedisStore)


@pytest.mark.usefixtures("cache")
def test_a_refused_profile_is_refused_every_time(client: FlaskClient) -> None:
    bad = {**CAFE_TAIPEI, "industry": "restaurant"}
    for _ in range(2):
        response = client.post("/api/v1/recommend?today=2026-11-26", json=bad)
        assert response.status_code == 422
        assert response.get_json()["errors"][0]["parameter"] == "industry"
