"""PURE: the built-in fraud-risk detectors over catalog facts; each finding has its reasons.

A detector never decides anything: it scores a subject (0..1) and says why, in reason codes
that `reasons.py` words in zh-TW, ja and en. Admins decide (`services.decide`).
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from dx_match.trust.keywords import Matcher

#: A price group needs this many tools before anything in it counts as an outlier.
MIN_GROUP = 5
#: Modified z-score (Iglewicz and Hoaglin) above which a price is an outlier.
OUTLIER_Z = 3.5
#: A price rise this many days (or fewer) before a subsidy window opens is suspicious.
RISE_WINDOW_DAYS = 90
#: ... if it is at least this much (10 %).
MIN_RISE = Decimal("0.10")
#: A vendor with at least this many rejected revisions, and this share of all reviewed ones.
MIN_REJECTED = 3
MIN_REJECTED_SHARE = 0.5


@dataclass(frozen=True)
class Reason:
    """One reason code and the values its sentence shows."""

    code: str
    params: Mapping[str, str | int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """As stored on the signal row."""
        return {"code": self.code, "params": dict(self.params)}


@dataclass(frozen=True)
class Finding:
    """A detector's verdict on one subject; `evidence` is what a decision is bound to."""

    detector: str
    subject_kind: str
    subject_key: str
    score: float
    reasons: tuple[Reason, ...]
    evidence: Mapping[str, Any]

    @property
    def evidence_digest(self) -> str:
        """A stable digest of the evidence: a decided signal reopens only when this changes."""
        text = json.dumps(self.evidence, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PriceStep:
    """One recorded price change of a plan."""

    plan: str
    old: Decimal | None
    new: Decimal | None
    currency: str | None
    old_currency: str | None
    on: date


@dataclass(frozen=True)
class Window:
    """A subsidy the tool is registered for, and when its application window opens."""

    slug: str
    opens: date | None


@dataclass(frozen=True)
class ToolFacts:
    """What the tool detectors look at; `monthly_per_user` is in the base currency."""

    slug: str
    vendor: str
    functions: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    monthly_per_user: Decimal | None = None
    subsidies: tuple[Window, ...] = ()
    prices: tuple[PriceStep, ...] = ()


@dataclass(frozen=True)
class VendorFacts:
    """A vendor's reviewed listing revisions: how many were rejected."""

    slug: str
    rejected: int
    reviewed: int


def _share_industry(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    # No industries means every industry; otherwise one code must cover the other (prefix).
    return not a or not b or any(x.startswith(y) or y.startswith(x) for x in a for y in b)


def price_outliers(
    tools: list[ToolFacts], currency: str, *, min_group: int = MIN_GROUP
) -> list[Finding]:
    """Monthly price per user far from the median of tools sharing the primary function.

    The group is narrowed to tools sharing an industry when that still leaves `min_group`;
    robust statistics (median and MAD), so one extreme price cannot hide another.
    """
    priced = [t for t in tools if t.functions and t.monthly_per_user]
    findings = []
    for tool in priced:
        same_function = [t for t in priced if t.functions[0] == tool.functions[0]]
        group = [t for t in same_function if _share_industry(t.industries, tool.industries)]
        if len(group) < min_group:
            group = same_function
        if len(group) < min_group:
            continue
        values = [float(t.monthly_per_user or 0) for t in group]
        median = statistics.median(values)
        mad = statistics.median(abs(v - median) for v in values)
        if mad == 0:
            continue
        value = float(tool.monthly_per_user or 0)
        z = 0.6745 * (value - median) / mad
        if abs(z) < OUTLIER_Z:
            continue
        code = "price_high" if z > 0 else "price_low"
        reason = Reason(
            code,
            {
                "price": f"{value:.2f} {currency}",
                "median": f"{median:.2f} {currency}",
                "count": len(group),
                "function": tool.functions[0],
                "ratio": f"{value / median:.1f}" if median else "-",
            },
        )
        findings.append(
            Finding(
                "price_outlier",
                "tool",
                tool.slug,
                round(min(1.0, abs(z) / (4 * OUTLIER_Z)), 3),
                (reason,),
                # The tool's own price and direction, not the median: others' edits must not
                # reopen a dismissed signal.
                {"price": f"{value:.2f}", "direction": code},
            )
        )
    return findings


def free_offers(tools: list[ToolFacts], matcher: Matcher) -> list[Finding]:
    """A listing text that promises "free", "cashback", 実質無料 ... AND speaks of subsidies."""
    findings = []
    for tool in tools:
        strong: set[str] = set()
        weak: set[str] = set()
        subsidy: set[str] = set()
        for text in tool.texts:
            found = matcher.find(text)
            if found["subsidy"] and (found["strong"] or found["weak"]):
                strong.update(found["strong"])
                weak.update(found["weak"])
                subsidy.update(found["subsidy"])
        if not subsidy:
            continue
        promises = sorted(strong) + sorted(weak)
        reason = Reason(
            "free_offer", {"phrases": ", ".join(promises), "subsidy": ", ".join(sorted(subsidy))}
        )
        findings.append(
            Finding(
                "free_offer",
                "tool",
                tool.slug,
                0.9 if strong else 0.6,
                (reason,),
                {"promises": promises, "subsidy": sorted(subsidy)},
            )
        )
    return findings


def price_rises_before_windows(
    tools: list[ToolFacts], *, days: int = RISE_WINDOW_DAYS
) -> list[Finding]:
    """A subsidy-registered tool's price rose shortly before one of its subsidies opened."""
    findings = []
    for tool in tools:
        reasons = []
        evidence = []
        top = 0.0
        for step in tool.prices:
            if step.old is None or step.new is None or step.old <= 0:
                continue
            if step.currency != step.old_currency or step.new <= step.old:
                continue
            rise = (step.new - step.old) / step.old
            if rise < MIN_RISE:
                continue
            for window in tool.subsidies:
                if window.opens is None:
                    continue
                lead = (window.opens - step.on).days
                if not 0 <= lead <= days:
                    continue
                top = max(top, min(1.0, 0.5 + float(rise) / 2))
                reasons.append(
                    Reason(
                        "price_rise",
                        {
                            "plan": step.plan,
                            "old": f"{step.old:.2f}",
                            "new": f"{step.new:.2f}",
                            "currency": step.currency or "",
                            "date": step.on.isoformat(),
                            "days": lead,
                            "subsidy": window.slug,
                        },
                    )
                )
                evidence.append([step.plan, str(step.old), str(step.new), step.on.isoformat()])
        if reasons:
            findings.append(
                Finding(
                    "price_rise",
                    "tool",
                    tool.slug,
                    round(top, 3),
                    tuple(reasons),
                    {"rises": evidence},
                )
            )
    return findings


def rejected_listings(
    vendors: list[VendorFacts],
    *,
    min_rejected: int = MIN_REJECTED,
    min_share: float = MIN_REJECTED_SHARE,
) -> list[Finding]:
    """A vendor many of whose reviewed listing revisions were rejected (count and share)."""
    findings = []
    for vendor in vendors:
        if vendor.reviewed == 0 or vendor.rejected < min_rejected:
            continue
        share = vendor.rejected / vendor.reviewed
        if share < min_share:
            continue
        findings.append(
            Finding(
                "rejected_listings",
                "vendor",
                vendor.slug,
                round(min(1.0, share * min(1.0, vendor.rejected / (2 * min_rejected))), 3),
                (
                    Reason(
                        "rejected_listings",
                        {"rejected": vendor.rejected, "reviewed": vendor.reviewed},
                    ),
                ),
                {"rejected": vendor.rejected, "reviewed": vendor.reviewed},
            )
        )
    return findings
