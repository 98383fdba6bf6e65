"""Whole anonymous catalog pages, rendered once per catalog state, language and currency.

A page is looked up before its view runs, by a key of everything it depends on: the catalog
token and the search generation (read from the database on every request, so a committed change
is never followed by a stale page, in any process), today's date (subsidy windows), the URL,
the UI language and currency, and a fingerprint of this deployment (code, templates,
translations, rates). Only anonymous GETs of the pages in CACHED_ENDPOINTS without flashed
messages are served from it; a page whose rendering wrote to the session (a CSRF token) is not
stored. The CSP nonce of the rendering is replaced by a placeholder and each answer gets its
own; response headers and cookies are made per request by the usual after-request hooks, and
the views a page counts are counted again on every answer.

Storage: Redis when DX_REDIS_URL is set (shared by every process and machine; each process
keeps its recent pages in front of it), else a
diskcache folder under the instance folder (shared by the processes of this machine, and kept
when gunicorn replaces a worker): a page is rendered once, not once per worker. An LRU in each
process stands in when that folder cannot be used.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

from dx_match import i18n
from dx_match.catalog import views as catalog_views
from dx_match.catalog.models import Course, Tool
from dx_match.extensions import db
from dx_match.pagecache.token import catalog_state
from dx_match.security import csp_nonce

EXTENSION_KEY = "dx_match.page_cache"
CACHED_ENDPOINTS = frozenset({"search.tool_list", "search.search_page", "catalog.tool_detail"})
NONCE_PLACEHOLDER = "\x00dx-csp-nonce\x00"
HEADER = "X-Dx-Page-Cache"
REDIS_PREFIX = "dx:page:"
REDIS_TTL_SECONDS = 3600  # keys of past catalog states are never asked for again: let them go


@dataclass(frozen=True)
class CachedPage:
    """A rendered page (nonce replaced by the placeholder) and the listing views it counts."""

    body: str
    views: tuple[tuple[str, int, int | None], ...] = ()

    def pack(self) -> bytes:
        """Compressed JSON (HTML compresses about 8:1; Redis and the LRU hold more pages)."""
        return zlib.compress(json.dumps([self.body, self.views]).encode(), 1)

    @classmethod
    def unpack(cls, data: bytes) -> CachedPage:
        """The page `pack` wrote."""
        body, views = json.loads(zlib.decompress(data))
        return cls(body, tuple((kind, i, owner) for kind, i, owner in views))


class PageStore(Protocol):
    """Where packed pages live."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, data: bytes) -> None: ...


class MemoryStore:
    """Least recently used pages of this process, up to a byte budget."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._pages.get(key)
            if data is not None:
                self._pages.move_to_end(key)
            return data

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            old = self._pages.pop(key, None)
            self._bytes -= len(old) if old is not None else 0
            self._pages[key] = data
            self._bytes += len(data)
            while self._bytes > self.max_bytes and self._pages:
                _key, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped)


class DiskStore:
    """Pages shared by the processes of one machine: diskcache (SQLite in WAL mode) in a folder.

    Reads take no lock and write nothing ("least recently stored" eviction). A store that
    cannot answer at once (a locked or full disk, an unwritable folder) counts as a miss: the
    page is rendered, and at worst not kept.
    """

    #: Seconds a get or put may wait for SQLite's lock before it gives up (a miss, not a wait).
    LOCK_TIMEOUT = 0.25

    def __init__(self, directory: Path, max_bytes: int) -> None:
        import diskcache

        self._cache = diskcache.Cache(
            str(directory),
            size_limit=max_bytes,
            eviction_policy="least-recently-stored",
            timeout=self.LOCK_TIMEOUT,
        )
        self._errors = (diskcache.Timeout, sqlite3.Error, OSError)

    def get(self, key: str) -> bytes | None:
        try:
            data = self._cache.get(key)
        except self._errors as exc:
            current_app.logger.warning("page cache: %s unavailable (%s), rendering", self, exc)
            return None
        return data if isinstance(data, bytes) else None

    def put(self, key: str, data: bytes) -> None:
        try:
            self._cache.set(key, data)
        except self._errors as exc:
            current_app.logger.warning("page cache: %s unavailable (%s), not stored", self, exc)

    def __str__(self) -> str:
        return f"folder {self._cache.directory}"


class RedisStore:
    """Pages shared by every process and machine using this Redis database."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._error = redis.RedisError

    def get(self, key: str) -> bytes | None:
        try:
            data = self._redis.get(REDIS_PREFIX + key)
        except self._error:
            current_app.logger.warning("page cache: Redis unavailable, rendering")
            return None
        return data if isinstance(data, bytes) else None

    def put(self, key: str, data: bytes) -> None:
        try:
            self._redis.set(REDIS_PREFIX + key, data, ex=REDIS_TTL_SECONDS)
        except self._error:
            current_app.logger.warning("page cache: Redis unavailable, page not stored")


class TieredStore:
    """A small LRU of this process in front of a shared store. Never stale: a key names
    everything its page depends on (the catalog state included), so a page under a key never
    changes; the LRU only saves the shared store's round trip for this worker's repeat pages."""

    def __init__(self, near: MemoryStore, far: PageStore) -> None:
        self.near, self.far = near, far

    def get(self, key: str) -> bytes | None:
        data = self.near.get(key)
        if data is None:
            data = self.far.get(key)
            if data is not None:
                self.near.put(key, data)
        return data

    def put(self, key: str, data: bytes) -> None:
        self.near.put(key, data)
        self.far.put(key, data)


@dataclass
class PageCache:
    """The app's store and the fingerprint of what, besides the catalog, pages depend on."""

    store: PageStore
    fingerprint: str


def deployment_fingerprint(app: Flask) -> str:
    """Code, templates, translations and rates: a deploy or a new rate table changes pages."""
    root = Path(__file__).resolve().parent.parent
    files = [
        *sorted(root.rglob("*.py")),
        *sorted(root.rglob("*.mo")),
        *sorted(Path(app.template_folder or root).rglob("*.html")),
    ]
    digest = hashlib.sha256()
    for path in files:
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    digest.update(repr(sorted(app.config["DX_RATES"].items())).encode())
    digest.update(app.config["DX_ENV"].encode())
    return digest.hexdigest()[:16]


def page_cache(app: Flask | None = None) -> PageCache | None:
    """The app's page cache, or None when it is off."""
    cache = (app or current_app).extensions.get(EXTENSION_KEY)
    return cache if isinstance(cache, PageCache) else None


def _cacheable() -> bool:
    return (
        request.method == "GET"
        and request.endpoint in CACHED_ENDPOINTS
        and not current_user.is_authenticated
        and "_flashes" not in session
    )


def _state_key(cache: PageCache, parts: Sequence[Any]) -> str | None:
    """The key of what `parts` name in the current catalog state and deployment (None before
    the catalog has a state: a database made without the migrations)."""
    token, generation = catalog_state(db.session)
    if token is None:
        return None
    identity = [cache.fingerprint, token, generation, *parts]
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def _key(cache: PageCache) -> str | None:
    return _state_key(
        cache,
        [
            catalog_views.today().isoformat(),
            request.host_url,
            request.full_path,
            i18n.ui_language(),
            i18n.viewer_currency(),
        ],
    )


def remember(name: str, parts: Sequence[Any], compute: Callable[[], Any]) -> Any:
    """A JSON value computed once per catalog state and deployment for these `parts` (what,
    besides the catalog, it depends on), kept in the page store; computed afresh when the
    cache is off. For answers of the API that are pure functions of their request."""
    cache = page_cache()
    key = _state_key(cache, [name, *parts]) if cache is not None else None
    if cache is not None and key is not None:
        data = cache.store.get(key)
        if data is not None:
            return json.loads(zlib.decompress(data))
    value = compute()
    if cache is not None and key is not None:
        cache.store.put(key, zlib.compress(json.dumps(value).encode(), 1))
    return value


def serve_cached() -> Response | None:
    """Before the view: the stored page for this request, if there is one."""
    cache = page_cache()
    if cache is None or not _cacheable():
        return None
    key = _key(cache)
    if key is None:
        return None
    data = cache.store.get(key)
    if data is None:
        g.dx_page_key = key
        g.dx_page_views = []
        return None
    page = CachedPage.unpack(data)
    _count_views(page)
    response = Response(page.body.replace(NONCE_PLACEHOLDER, csp_nonce()), mimetype="text/html")
    response.headers[HEADER] = "hit"
    return response


def _count_views(page: CachedPage) -> None:
    """Send the listing views the page's view sent (the counter skips robots and owners)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for kind, listing_id, owner in page.views:
        listing = (
            Tool(id=listing_id, vendor_id=owner)
            if kind == "tool"
            else Course(id=listing_id, provider_id=owner)
        )
        catalog_views.listing_viewed.send(app, kind=kind, listing=listing)


def record_view(_sender: Flask, kind: str, listing: Tool | Course, **_extra: Any) -> None:
    """While a page is rendered for the cache, note the views it counts."""
    views = g.get("dx_page_views")
    if views is not None:
        owner = listing.vendor_id if isinstance(listing, Tool) else listing.provider_id
        views.append((kind, listing.id, owner))


def store_page(response: Response) -> Response:
    """After the view: keep a page rendered for the cache, unless it is personal after all."""
    key = g.pop("dx_page_key", None)
    cache = page_cache()
    if key is None or cache is None:
        return response
    personal = session.modified or "csrf_token" in g  # a form token was made for this visitor
    if (
        response.status_code != 200
        or response.mimetype != "text/html"
        or response.direct_passthrough
        or personal
    ):
        return response
    body = response.get_data(as_text=True)
    nonce = request.environ.get("dx_match.csp_nonce")
    if nonce:
        body = body.replace(nonce, NONCE_PLACEHOLDER)
    cache.store.put(key, CachedPage(body, tuple(g.get("dx_page_views", ()))).pack())
    response.headers[HEADER] = "miss"
    return response


def init_app(app: Flask) -> None:
    """Hook the cache in; it is on unless DX_PAGE_CACHE=0 (Redis when DX_REDIS_URL is set)."""
    catalog_views.listing_viewed.connect(record_view, app)
    app.before_request(serve_cached)
    app.after_request(store_page)
    if app.config["DX_PAGE_CACHE"]:
        app.extensions[EXTENSION_KEY] = PageCache(_store(app), deployment_fingerprint(app))


def _store(app: Flask) -> PageStore:
    """Redis if configured, else the instance folder's disk store, else memory."""
    budget = app.config["DX_PAGE_CACHE_MB"] * 1024 * 1024
    if app.config["DX_REDIS_URL"]:
        return TieredStore(MemoryStore(budget // 4), RedisStore(app.config["DX_REDIS_URL"]))
    folder = Path(app.instance_path) / "pagecache"
    try:
        return DiskStore(folder, budget)
    except (sqlite3.Error, OSError) as exc:  # a read-only or full instance folder
        app.logger.warning("page cache: %s unusable (%s); keeping pages per process", folder, exc)
        return MemoryStore(budget)
