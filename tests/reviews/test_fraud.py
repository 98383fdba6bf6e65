"""The review detectors: pure on crafted facts, and rescanned after review writes and reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from dx_match.accounts.models import User
from dx_match.catalog.models import Tool
from dx_match.extensions import db
from dx_match.reviews import fraud, services
from dx_match.reviews.fraud_facts import DETECTORS
from dx_match.reviews.models import Adoption
from dx_match.trust.models import TrustSignal
from dx_match.trust.reasons import sentence
from dx_match.trust.services import scan
from tests.reviews.test_reviews import data

T0 = datetime(2026, 3, 1, 9, 0)


def stamp(n: int, *, hours: float, new: bool) -> fraud.ReviewStamp:
    written = T0 + timedelta(hours=hours)
    account = written - (timedelta(days=3) if new else timedelta(days=400))
    return fraud.ReviewStamp(n, written, account, written - timedelta(days=900))


def test_a_burst_from_new_accounts_fires() -> None:
    reviews = [stamp(i, hours=20 * i, new=i != 0) for i in range(5)]  # 4 of 5 new, in 4 days
    [finding] = fraud.review_bursts([fraud.ToolReviewFacts("t", tuple(reviews))])
    assert (finding.detector, finding.subject_kind, finding.subject_key) == (
        "review_burst",
        "tool",
        "t",
    )
    assert finding.evidence == {"reviews": [0, 1, 2, 3, 4]}
    assert finding.reasons[0].params["new"] == 4
    assert 0 < finding.score <= 1


def test_no_burst_from_old_accounts_spread_out_or_few() -> None:
    old = [stamp(i, hours=20 * i, new=i < 2) for i in range(6)]  # 2 of 6 new
    spread = [stamp(i, hours=24 * 3 * i, new=True) for i in range(5)]  # 12 days
    few = [stamp(i, hours=i, new=True) for i in range(fraud.BURST_MIN_REVIEWS - 1)]
    facts = [
        fraud.ToolReviewFacts(slug, tuple(items))
        for slug, items in (("old", old), ("spread", spread), ("few", few), ("none", []))
    ]
    assert fraud.review_bursts(facts) == []


def test_a_new_organisation_counts_and_an_unknown_author_does_not() -> None:
    written = T0
    new_org = fraud.ReviewStamp(1, written, written - timedelta(days=500), written)
    deleted = fraud.ReviewStamp(2, written, None, None)
    assert new_org.from_new_account and not deleted.from_new_account


def test_flagged_reviews_need_count_and_share() -> None:
    vendors = [
        fraud.VendorReviewFacts("bad", reviews=8, flagged=4),
        fraud.VendorReviewFacts("big", reviews=100, flagged=5),  # 5 %: normal
        fraud.VendorReviewFacts("small", reviews=2, flagged=2),  # too few to say
        fraud.VendorReviewFacts("none", reviews=0, flagged=0),
    ]
    [finding] = fraud.flagged_reviews(vendors)
    assert finding.subject_key == "bad"
    assert finding.evidence == {"flagged": 4, "reviews": 8}
    assert "4 of the 8 reviews" in sentence(finding.reasons[0].to_json())


def _reviewers(
    make_sme: Callable[..., User], adopt: Callable[..., Adoption], tool: Tool, count: int
) -> list[User]:
    users = [make_sme() for _ in range(count)]
    for user in users:
        adopt(user, tool)
    return users


def test_writing_reviews_from_new_accounts_opens_a_burst_signal(
    tool: Tool, make_sme: Callable[..., Any], adopt: Callable[..., Adoption]
) -> None:
    users = _reviewers(make_sme, adopt, tool, fraud.BURST_MIN_REVIEWS)
    for user in users[:-1]:
        services.save_review(user, tool.slug, data())
    assert _signal("review_burst", tool.slug) is None  # four are not a burst
    services.save_review(users[-1], tool.slug, data())
    signal = _signal("review_burst", tool.slug)
    assert signal is not None and signal.state == "open" and signal.active


def test_reports_and_hiding_open_a_vendor_signal(
    tool: Tool,
    make_sme: Callable[..., Any],
    make_user: Callable[..., User],
    adopt: Callable[..., Adoption],
) -> None:
    users = _reviewers(make_sme, adopt, tool, 4)
    # Accounts older than the burst rule's age: only the vendor detector may speak.
    for user in users:
        user.created_at = user.created_at - timedelta(days=60)
        assert user.organisation is not None
        user.organisation.created_at = user.organisation.created_at - timedelta(days=60)
    db.session.commit()
    reviews = [services.save_review(user, tool.slug, data()) for user in users]
    reporter = make_user("sme")
    services.report(reporter, reviews[0].id, "Spam")
    services.report(reporter, reviews[1].id, "Fake")
    assert _signal("flagged_reviews", tool.vendor.slug) is None
    admin = make_user("admin")
    services.moderate(admin, reviews[2].id, hide=True, reason="Written by the vendor")
    signal = _signal("flagged_reviews", tool.vendor.slug)
    assert signal is not None and signal.reasons[0]["params"] == {"flagged": 3, "reviews": 4}
    assert _signal("review_burst", tool.slug) is None
    # `dx-match trust scan` over everything agrees: nothing new, nothing gone.
    counts = scan(detectors=list(DETECTORS)).counts
    assert counts["new"] == counts["gone"] == 0 and counts["unchanged"] == 1


def _signal(detector: str, key: str) -> TrustSignal | None:
    return db.session.scalar(
        sa.select(TrustSignal).where(
            TrustSignal.detector == detector, TrustSignal.subject_key == key
        )
    )
