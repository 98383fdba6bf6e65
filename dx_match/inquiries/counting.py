"""Listing page views, counted in memory and written as one upsert per listing and day.

A page view costs a dictionary increment; at most every `DX_VIEW_FLUSH_SECONDS` a request writes
the batch (one `INSERT ... ON CONFLICT DO UPDATE views = views + n` per listing and day), after
its response is rendered. Increments add up, so several workers or processes flushing at once
never lose each other's counts. A crash loses at most the unflushed seconds of one worker: these
are statistics, not money. A failing write is logged and dropped, never a server error.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.dialects import postgresql, sqlite

from dx_match.extensions import db
from dx_match.inquiries.models import ListingView

EXTENSION_KEY = "dx_match.view_counter"
Key = tuple[str, int, date]


class ViewCounter:
    """A per-process buffer of (kind, listing id, day) -> views not yet written."""

    def __init__(self, flush_seconds: float) -> None:
        self.flush_seconds = flush_seconds
        self._pending: Counter[Key] = Counter()
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()

    def add(self, kind: str, listing_id: int, day: date) -> None:
        """Count one view (in memory)."""
        with self._lock:
            self._pending[(kind, listing_id, day)] += 1

    def due(self) -> bool:
        """Whether the buffer holds views older than the flush interval."""
        return bool(self._pending) and time.monotonic() - self._last_flush >= self.flush_seconds

    def take(self) -> Counter[Key]:
        """Empty the buffer and return what it held."""
        with self._lock:
            batch, self._pending = self._pending, Counter()
            self._last_flush = time.monotonic()
        return batch

    def flush(self) -> int:
        """Write the buffered views (one upsert per listing and day); return how many rows."""
        batch = self.take()
        if not batch:
            return 0
        try:
            # End the page's read first: on SQLite a GET's transaction is deferred, and one that
            # has read cannot take the write lock if another writer committed meanwhile.
            db.session.commit()
            with db.session.begin_nested():
                for (kind, listing_id, day), views in sorted(batch.items()):
                    db.session.execute(_upsert(kind, listing_id, day, views))
            db.session.commit()
        except sa.exc.SQLAlchemyError:
            db.session.rollback()
            current_app.logger.warning("dropped %d listing view counts", sum(batch.values()))
            return 0
        return len(batch)


def _upsert(kind: str, listing_id: int, day: date, views: int) -> sa.Executable:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ListingView).values(kind=kind, listing_id=listing_id, day=day, views=views)
    return statement.on_conflict_do_update(
        index_elements=["kind", "listing_id", "day"],
        set_={"views": ListingView.views + statement.excluded.views},
    )


def view_counter(app: Flask | None = None) -> ViewCounter:
    """The application's view counter."""
    counter: ViewCounter = (app or current_app).extensions[EXTENSION_KEY]
    return counter


def init_app(app: Flask) -> None:
    """Give the app its counter."""
    app.extensions[EXTENSION_KEY] = ViewCounter(float(app.config["DX_VIEW_FLUSH_SECONDS"]))
