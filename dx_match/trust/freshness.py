"""PURE: when a listing counts as stale (not verified in the last 12 months)."""

from __future__ import annotations

from datetime import date, timedelta

STALE_AFTER = timedelta(days=365)
#: A vendor is reminded about one listing at most this often.
REMIND_EVERY = timedelta(days=30)


def is_stale(verified_at: date | None, today: date) -> bool:
    """Never verified, or last verified more than 12 months before `today`."""
    return verified_at is None or today - verified_at > STALE_AFTER


def stale_before(today: date) -> date:
    """Listings verified before this day are stale on `today`."""
    return today - STALE_AFTER
