"""Every write of trust: scans keep signals and decisions, admins decide, vendors confirm."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from dx_match import audit
from dx_match.accounts.models import User
from dx_match.accounts.permissions import require_role
from dx_match.catalog.models import Tool
from dx_match.db import utcnow
from dx_match.errors import Conflict, NotFound
from dx_match.extensions import db
from dx_match.listings.models import ListingRevision
from dx_match.listings.rows import fingerprint
from dx_match.listings.services import OPEN_STATES, ListingInvalid, as_row, owner_vendor
from dx_match.trust.facts import Scope
from dx_match.trust.models import TrustSignal
from dx_match.trust.registry import DETECTORS

MAX_NOTE = 2000
DECISIONS = ("dismissed", "actioned")


@dataclass
class ScanReport:
    """What a scan changed, per outcome ("new", "updated", "reopened", "unchanged", "gone")."""

    counts: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        order = ("new", "reopened", "updated", "unchanged", "gone")
        return ", ".join(f"{self.counts[k]} {k}" for k in order)


def scan(scope: Scope | None = None, detectors: list[str] | None = None) -> ScanReport:
    """Run the detectors and keep their findings as signals (idempotent; one commit).

    A decided signal keeps its decision while its evidence stays the same; new evidence
    reopens it. A finding that went away marks its signal inactive (kept, with the decision).
    """
    scope = scope or Scope()
    report = ScanReport()
    loaded: dict[object, object] = {}  # detectors sharing a loader read the catalog once
    for name in detectors or sorted(DETECTORS):
        detector = DETECTORS[name]
        if detector.load not in loaded:
            loaded[detector.load] = detector.load(scope)
        findings = [
            f
            for f in detector.detect(loaded[detector.load])
            if scope.covers(f.subject_kind, f.subject_key)
        ]
        existing = {
            (s.subject_kind, s.subject_key): s
            for s in db.session.scalars(sa.select(TrustSignal).where(TrustSignal.detector == name))
            if scope.covers(s.subject_kind, s.subject_key)
        }
        for finding in findings:
            signal = existing.pop((finding.subject_kind, finding.subject_key), None)
            digest = finding.evidence_digest
            reasons = [r.to_json() for r in finding.reasons]
            if signal is None:
                db.session.add(
                    TrustSignal(
                        detector=name,
                        subject_kind=finding.subject_kind,
                        subject_key=finding.subject_key,
                        score=finding.score,
                        reasons=reasons,
                        evidence=digest,
                        active=True,
                        state="open",
                    )
                )
                report.counts["new"] += 1
                continue
            if signal.evidence != digest and signal.state != "open":
                signal.state = "open"  # the decision was about other evidence
                report.counts["reopened"] += 1
            elif signal.evidence != digest or not signal.active or signal.score != finding.score:
                report.counts["updated"] += 1
            else:
                report.counts["unchanged"] += 1
            signal.evidence, signal.score, signal.reasons = digest, finding.score, reasons
            signal.active = True
        for signal in existing.values():
            if signal.active:
                signal.active = False
                report.counts["gone"] += 1
    db.session.commit()
    return report


def decide(actor: User | None, signal_id: int, decision: str, note: str) -> TrustSignal:
    """Admin: mark a signal dismissed (with the reason) or actioned (with a note); audited."""
    admin = require_role(actor, "admin")
    signal = db.session.get(TrustSignal, signal_id)
    if signal is None:
        raise NotFound("signal")
    if decision not in DECISIONS:
        raise ListingInvalid([("decision", str(_l("Choose dismiss or action taken.")))])
    note = note.strip()
    if not note:
        raise ListingInvalid([("note", str(_l("Write a short reason or note.")))])
    if len(note) > MAX_NOTE:
        raise ListingInvalid([("note", str(_l("At most 2000 characters.")))])
    if signal.state != "open":
        raise Conflict(str(_l("This signal was already decided.")))
    signal.state, signal.note = decision, note
    signal.decided_by, signal.decided_at = admin, utcnow()
    audit.record(
        admin,
        f"signal.{decision}",
        signal.subject_kind,
        signal.subject_key,
        {"signal": signal.id, "detector": signal.detector, "note": note},
    )
    db.session.commit()
    return signal


def confirm_prices(actor: User | None, slug: str, today: date) -> Tool:
    """A vendor confirms a published tool's prices are current: its verified date is today.

    Nothing else changes, so it goes live without moderation; an open edit based on the
    old row is moved onto the new one (only the stamp differs), so it stays approvable.
    """
    vendor = owner_vendor(actor, "tool")
    tool = db.session.scalar(sa.select(Tool).where(Tool.slug == slug))
    if tool is None or tool.vendor_id != vendor.id or tool.status != "published":
        raise NotFound("tool")
    old_base = fingerprint(as_row(tool), "new")
    previous = tool.verified_at
    tool.verified_at = today
    db.session.flush()
    new_base = fingerprint(as_row(tool), "new")
    for revision in db.session.scalars(
        sa.select(ListingRevision).where(
            ListingRevision.kind == "tool",
            ListingRevision.slug == slug,
            ListingRevision.state.in_(OPEN_STATES),
            ListingRevision.base == old_base,
        )
    ):
        revision.base = new_base
    audit.record(
        actor,
        "listing.confirm_prices",
        "tool",
        slug,
        {"verified_at": today.isoformat(), "previous": previous.isoformat() if previous else None},
    )
    db.session.commit()
    return tool
