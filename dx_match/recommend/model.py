"""Pure scoring: feature arrays in, ranked rows out; and the model learned from feedback.

Before any feedback exists the score is a fixed weighted sum of the features (the
weights an advisor would set: goals first, then fit, then price). `dx-match recommend
train` fits a logistic regression on feedback (advisor picks, SME accepts and dismissals,
adoptions); its probability is blended in with a weight that grows with the evidence, so
a handful of clicks cannot overturn the advisor's rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from dx_match.recommend.features import FEATURES

Array = np.ndarray[Any, Any]
RANDOM_STATE = 0
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "goal": 3.0,
    "goals_extra": 0.6,
    "industry": 0.8,
    "text": 1.0,
    "budget": 1.0,
    "trial": 0.2,
    "cost_help": 0.4,
    "skills_help": 0.3,
    "integration": 0.6,
    "own_language": 0.3,
}
# Signals: what each says about the item, and how much it counts.
SIGNAL_LABEL = {"accept": 1, "pick": 1, "adopt": 1, "dismiss": 0}
SIGNAL_WEIGHT = {"accept": 1.0, "pick": 2.0, "adopt": 3.0, "dismiss": 1.0}
EVIDENCE_HALF = 50  # feedback rows at which the learned model gets half the say


def weight_vector(weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> Array:
    """The weights in FEATURES order."""
    return np.array([weights[name] for name in FEATURES])


def base_scores(features: Array, weights: Array | None = None) -> Array:
    """The rule-based score in [0, 1]: the weighted mean of the features."""
    w = weight_vector() if weights is None else weights
    if not len(features):
        return np.zeros(0)
    result: Array = features @ w / w.sum()
    return result


def top_rows(scores: Array, k: int) -> Array:
    """Indices of the k best scores, best first (ties by index: stable results)."""
    if len(scores) <= k:
        return np.lexsort((np.arange(len(scores)), -scores))
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.lexsort((part, -scores[part]))]


def diversify(
    order: Sequence[int], goals_of: Mapping[int, Sequence[int]], n_goals: int
) -> list[int]:
    """Cover each goal before repeating one: the best item for goal 1, 2, ... then the rest."""
    chosen: list[int] = []
    taken: set[int] = set()
    for goal in range(n_goals):
        for item in order:
            if item not in taken and goal in goals_of.get(item, ()):
                chosen.append(item)
                taken.add(item)
                break
    chosen.extend(item for item in order if item not in taken)
    return chosen


@dataclass(frozen=True)
class FeedbackModel:
    """A logistic regression over FEATURES, fitted on feedback rows."""

    version: int
    coef: tuple[float, ...]
    intercept: float
    samples: int
    signals: Mapping[str, int] = field(default_factory=dict)
    features: tuple[str, ...] = FEATURES

    def probability(self, features: Array) -> Array:
        """How likely an SME or advisor takes each item, by the learned model."""
        if self.features != FEATURES:  # trained on another feature set: not comparable
            return np.full(len(features), 0.5)
        logits = features @ np.array(self.coef) + self.intercept
        result: Array = 1.0 / (1.0 + np.exp(-logits))
        return result

    @property
    def share(self) -> float:
        """The learned model's weight in the final score: n / (n + EVIDENCE_HALF)."""
        return self.samples / (self.samples + EVIDENCE_HALF)


class NotEnoughFeedback(ValueError):
    """Feedback cannot train a model yet (none, or only one kind of signal)."""


def fit_feedback(features: Array, signals: Sequence[str], *, version: int) -> FeedbackModel:
    """Fit the feedback model: positive signals against dismissals, weighted by strength."""
    if len(signals) == 0:
        raise NotEnoughFeedback("no feedback yet")
    labels = np.array([SIGNAL_LABEL[s] for s in signals])
    if len(set(labels.tolist())) < 2:
        raise NotEnoughFeedback("feedback holds only one kind of signal (accepts or dismissals)")
    weights = np.array([SIGNAL_WEIGHT[s] for s in signals])
    regression = LogisticRegression(random_state=RANDOM_STATE, C=1.0, max_iter=1000)
    regression.fit(features, labels, sample_weight=weights)
    counts: dict[str, int] = {}
    for signal in signals:
        counts[signal] = counts.get(signal, 0) + 1
    return FeedbackModel(
        version=version,
        coef=tuple(float(c) for c in regression.coef_[0]),
        intercept=float(regression.intercept_[0]),
        samples=len(signals),
        signals=counts,
    )


def final_scores(features: Array, model: FeedbackModel | None = None) -> Array:
    """The rule score, blended with the feedback model when there is one."""
    base = base_scores(features)
    if model is None or not len(features):
        return base
    share = model.share
    result: Array = (1 - share) * base + share * model.probability(features)
    return result
