"""PURE: review-based fraud-risk detectors (many flagged reviews; bursts from new accounts).

Like the trust package's own detectors they only score and give reasons; admins decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dx_match.trust.detectors import Finding, Reason

#: A vendor is flagged with at least this many reported or hidden reviews over its tools ...
MIN_FLAGGED_REVIEWS = 3
#: ... that are at least this share of all its reviews.
MIN_FLAGGED_SHARE = 0.3
#: A burst: at least this many reviews of one tool within this window ...
BURST_MIN_REVIEWS = 5
BURST_WINDOW = timedelta(days=7)
#: ... at least this share of them from accounts or organisations younger than NEW_ACCOUNT_AGE.
BURST_MIN_NEW_SHARE = 0.6
NEW_ACCOUNT_AGE = timedelta(days=14)


@dataclass(frozen=True)
class VendorReviewFacts:
    """A vendor's reviews over all its tools: how many, how many reported or hidden."""

    slug: str
    reviews: int
    flagged: int


@dataclass(frozen=True)
class ReviewStamp:
    """One review of a tool: when written, and when its author's account and organisation
    were created (None when unknown, e.g. the account was deleted: then it is not "new")."""

    review_id: int
    written: datetime
    account_created: datetime | None
    organisation_created: datetime | None

    @property
    def from_new_account(self) -> bool:
        """The account or the organisation was younger than NEW_ACCOUNT_AGE when it wrote."""
        return any(
            created is not None and self.written - created < NEW_ACCOUNT_AGE
            for created in (self.account_created, self.organisation_created)
        )


@dataclass(frozen=True)
class ToolReviewFacts:
    """A tool's reviews, for the burst detector."""

    slug: str
    reviews: tuple[ReviewStamp, ...]


def flagged_reviews(
    vendors: list[VendorReviewFacts],
    *,
    min_flagged: int = MIN_FLAGGED_REVIEWS,
    min_share: float = MIN_FLAGGED_SHARE,
) -> list[Finding]:
    """A vendor many of whose tools' reviews were reported or hidden (count and share)."""
    findings = []
    for vendor in vendors:
        if vendor.reviews == 0 or vendor.flagged < min_flagged:
            continue
        share = vendor.flagged / vendor.reviews
        if share < min_share:
            continue
        counts = {"flagged": vendor.flagged, "reviews": vendor.reviews}
        findings.append(
            Finding(
                "flagged_reviews",
                "vendor",
                vendor.slug,
                round(min(1.0, share * min(1.0, vendor.flagged / (2 * min_flagged))), 3),
                (Reason("flagged_reviews", counts),),
                counts,
            )
        )
    return findings


def _best_window(reviews: list[ReviewStamp]) -> list[ReviewStamp]:
    """The window of BURST_WINDOW with the most reviews from new accounts (earliest wins)."""
    best: list[ReviewStamp] = []
    best_new = -1
    end = 0
    for start, first in enumerate(reviews):
        end = max(end, start)
        while end < len(reviews) and reviews[end].written - first.written <= BURST_WINDOW:
            end += 1
        window = reviews[start:end]
        new = sum(1 for r in window if r.from_new_account)
        burst = len(window) >= BURST_MIN_REVIEWS and new / len(window) >= BURST_MIN_NEW_SHARE
        if burst and new > best_new:
            best, best_new = window, new
    return best


def review_bursts(tools: list[ToolReviewFacts]) -> list[Finding]:
    """Many reviews of one tool within a short window, mostly from new accounts."""
    findings = []
    for tool in tools:
        ordered = sorted(tool.reviews, key=lambda r: (r.written, r.review_id))
        window = _best_window(ordered)
        if not window:
            continue
        new = sum(1 for r in window if r.from_new_account)
        share = new / len(window)
        params: dict[str, str | int] = {
            "count": len(window),
            "days": BURST_WINDOW.days,
            "new": new,
            "age": NEW_ACCOUNT_AGE.days,
            "start": window[0].written.date().isoformat(),
        }
        findings.append(
            Finding(
                "review_burst",
                "tool",
                tool.slug,
                round(min(1.0, share * min(1.0, len(window) / (2 * BURST_MIN_REVIEWS))), 3),
                (Reason("review_burst", params),),
                # Which reviews form the burst: more of them later reopens a dismissed signal.
                {"reviews": sorted(r.review_id for r in window)},
            )
        )
    return findings
