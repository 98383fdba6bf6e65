"""`dx-match recommend train`: fit the feedback model on recorded feedback, version it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import sqlalchemy as sa

from dx_match.extensions import db
from dx_match.recommend.engine import pair_features
from dx_match.recommend.model import NotEnoughFeedback, fit_feedback
from dx_match.recommend.models import Feedback
from dx_match.recommend.profile import ProfileInvalid
from dx_match.recommend.service import recommend_service


@dataclass
class TrainReport:
    """What training learned from, and what it wrote."""

    used: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    signals: dict[str, int] = field(default_factory=dict)
    version: int | None = None
    path: str | None = None
    reason: str | None = None

    def lines(self) -> list[str]:
        """The report as lines for the terminal."""
        out = [f"feedback rows used: {self.used}"]
        out += [f"skipped ({why}): {n}" for why, n in sorted(self.skipped.items())]
        if self.signals:
            out.append("signals: " + ", ".join(f"{k}={v}" for k, v in sorted(self.signals.items())))
        if self.version is None:
            out.append(
                f"no model trained: {self.reason}; recommendations keep the rule-based scores"
            )
        else:
            out.append(f"model version {self.version} written to {self.path} and made current")
        return out


def train(today: date | None = None) -> TrainReport:
    """Fit the model on tool feedback; with too little feedback keep the fallback."""
    service = recommend_service()
    catalog, _codes = service.catalog()
    report = TrainReport()
    rows: list[int] = []
    signals: list[str] = []
    features = []
    day = today or date.today()
    for item in db.session.scalars(sa.select(Feedback).order_by(Feedback.id)):
        if item.item_kind != "tool":
            report.skipped["not a tool"] = report.skipped.get("not a tool", 0) + 1
            continue
        row = catalog.row_of.get(item.item_slug)
        if row is None:
            report.skipped["tool gone"] = report.skipped.get("tool gone", 0) + 1
            continue
        try:
            profile = service.parse(item.profile)
        except ProfileInvalid:
            report.skipped["profile invalid"] = report.skipped.get("profile invalid", 0) + 1
            continue
        features.append(pair_features(profile, catalog, np.array([row]), today=day)[0])
        rows.append(row)
        signals.append(item.signal)
    report.used = len(signals)
    for signal in signals:
        report.signals[signal] = report.signals.get(signal, 0) + 1
    try:
        model = fit_feedback(np.array(features), signals, version=service.next_version())
    except NotEnoughFeedback as exc:
        report.reason = str(exc)
        return report
    report.version = model.version
    report.path = str(service.save_model(model))
    return report
