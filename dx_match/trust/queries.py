"""Read-side queries of trust: the admin queue, cautions on tool pages."""

from __future__ import annotations

import sqlalchemy as sa

from dx_match.catalog.models import Tool
from dx_match.extensions import db
from dx_match.trust.models import TrustSignal
from dx_match.trust.registry import DETECTORS

RECENT_DECISIONS = 50


def signal(signal_id: int) -> TrustSignal | None:
    """One signal by id."""
    return db.session.get(TrustSignal, signal_id)


def open_signals() -> list[TrustSignal]:
    """Active signals nobody has decided yet, highest score first."""
    return list(
        db.session.scalars(
            sa.select(TrustSignal)
            .where(TrustSignal.active.is_(True), TrustSignal.state == "open")
            .order_by(TrustSignal.score.desc(), TrustSignal.id)
        )
    )


def decided_signals(limit: int = RECENT_DECISIONS) -> list[TrustSignal]:
    """The most recent decisions, newest first."""
    return list(
        db.session.scalars(
            sa.select(TrustSignal)
            .where(TrustSignal.state != "open")
            .order_by(TrustSignal.decided_at.desc(), TrustSignal.id.desc())
            .limit(limit)
        )
    )


def cautions(tool: Tool) -> list[TrustSignal]:
    """The clear signals about a tool that SMEs are warned of: active and not dismissed."""
    names = [name for name, detector in DETECTORS.items() if detector.caution]
    return list(
        db.session.scalars(
            sa.select(TrustSignal).where(
                TrustSignal.detector.in_(names),
                TrustSignal.subject_kind == "tool",
                TrustSignal.subject_key == tool.slug,
                TrustSignal.active.is_(True),
                TrustSignal.state != "dismissed",
            )
        )
    )
